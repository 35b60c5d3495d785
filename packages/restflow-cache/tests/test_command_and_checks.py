"""The wipe management command, the system checks and the app's start-up discovery."""

from __future__ import annotations

import io

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from restflow.caching import CACHE_MISSING, ArgsKeyField, KeyConstructor, cache_result
from restflow.caching import checks as caching_checks
from restflow.caching.settings import CACHE_SETTINGS


class ReportsKey(KeyConstructor):
    month = ArgsKeyField("month")

    class Meta:
        namespace = "reports"


def wipe(*args: str) -> str:
    out = io.StringIO()
    call_command("restflow_cache_wipe", *args, stdout=out)
    return out.getvalue()


def make(alias: str) -> tuple:
    @cache_result(key_constructor=ReportsKey, cache_alias=alias, ttl=60)
    def report(month: int) -> int:
        return month

    @cache_result(cache_alias=alias, ttl=60)
    def other(x: int) -> int:
        return x

    report(1), report(2), other(1)
    return report, other


class TestWipeCommand:
    def test_dry_run_counts_and_deletes_nothing(self, alias: str) -> None:
        report, _ = make(alias)
        out = wipe("--namespace", "reports", "--dry-run", "--alias", alias)
        expected = "an unknown number" if alias == "files" else "would delete 2 entries"
        assert expected in out
        assert report.get_cache_only(1) == 1

    def test_wipe_one_namespace_keeps_the_others(self, alias: str) -> None:
        report, other = make(alias)
        out = wipe("--namespace", "reports", "--alias", alias)
        assert "deleted" in out
        assert (
            report.get_cache_only(1) is CACHE_MISSING and report.get_cache_only(2) is CACHE_MISSING
        )
        assert other.get_cache_only(1) == 1

    def test_wipe_all_covers_every_known_namespace(self, alias: str) -> None:
        report, other = make(alias)
        wipe("--all", "--alias", alias)
        assert (
            report.get_cache_only(1) is CACHE_MISSING and other.get_cache_only(1) is CACHE_MISSING
        )

    def test_an_unknown_alias_is_a_command_error(self) -> None:
        from django.core.management.base import CommandError

        with pytest.raises(CommandError, match="'nope' is not in CACHES"):
            wipe("--all", "--alias", "nope")


class TestChecks:
    def test_clean_configuration_has_no_errors(self) -> None:
        assert [e for e in run_checks() if e.id.startswith("restflow_caching")] == []

    def test_missing_cache_alias_is_e001(self) -> None:
        with override_settings(RESTFLOW_SETTINGS={"CACHE": {"CACHE_ALIAS": "nope"}}):
            ids = [e.id for e in run_checks()]
        assert "restflow_caching.E001" in ids

    def test_scan_strategy_on_a_backend_without_key_listing_is_e001(self) -> None:
        with override_settings(
            RESTFLOW_SETTINGS={"CACHE": {"CACHE_ALIAS": "files", "PARTITION_STRATEGY": "scan"}}
        ):
            errors = [e for e in run_checks() if e.id == "restflow_caching.E001"]
        assert errors and "cannot list keys" in errors[0].msg

    def test_a_function_on_a_missing_alias_is_e003(self) -> None:
        @cache_result(cache_alias="missing-alias")
        def lost(x: int) -> int:
            return x

        try:
            ids = [e.id for e in run_checks()]
        finally:
            from restflow.caching import registry

            registry._WRAPPERS.pop(lost.identifier)
        assert "restflow_caching.E003" in ids

    def test_an_unimportable_invalidator_is_e002(self) -> None:
        from cachetests.models import Author
        from restflow.caching import InvalidationRule

        @cache_result(invalidates_on=[InvalidationRule(Author, invalidator="nowhere.at_all")])
        def broken(x: int) -> int:
            return x

        try:
            errors = [e for e in run_checks() if e.id == "restflow_caching.E002"]
        finally:
            broken.rules[0].detach()
        assert errors and "nowhere.at_all" in errors[0].msg

    @pytest.mark.parametrize("silenced", ["restflow_cache.E001", "restflow_caching.E001"])
    def test_the_former_and_the_current_id_both_silence_a_check(self, silenced: str) -> None:
        with override_settings(RESTFLOW_SETTINGS={"CACHE": {"CACHE_ALIAS": "nope"}}):
            with pytest.raises(SystemCheckError, match=r"restflow_caching\.E001"):
                call_command("check")
            with override_settings(SILENCED_SYSTEM_CHECKS=[silenced]):
                call_command("check")  # no SystemCheckError

    def test_the_ids_keep_their_numbers(self) -> None:
        assert caching_checks.FORMER_IDS == {
            "restflow_caching.E001": "restflow_cache.E001",
            "restflow_caching.E002": "restflow_cache.E002",
            "restflow_caching.E003": "restflow_cache.E003",
        }

    @pytest.mark.parametrize("name", ["CACHE", "CACHE_SETTINGS"])
    def test_the_section_is_cache_and_its_old_name_is_still_read(self, name: str) -> None:
        assert CACHE_SETTINGS.name == "CACHE"
        with override_settings(RESTFLOW_SETTINGS={name: {"CACHE_ALIAS": "nope"}}):
            assert CACHE_SETTINGS.CACHE_ALIAS == "nope"
            ids = [e.id for e in run_checks()]
        assert "restflow_caching.E001" in ids
        assert ("restflow_core.W001" in ids) is (name == "CACHE_SETTINGS")

    def test_invalid_settings_value_names_the_key(self) -> None:
        with (
            override_settings(RESTFLOW_SETTINGS={"CACHE": {"PARTITION_STRATEGY": "x"}}),
            pytest.raises(ImproperlyConfigured, match="PARTITION_STRATEGY"),
        ):
            CACHE_SETTINGS.PARTITION_STRATEGY  # noqa: B018


class TestDiscovery:
    def test_the_app_imported_the_cached_modules_of_installed_apps(self) -> None:
        from restflow.caching.registry import all_wrappers

        assert any(w.identifier == "cachetests.cached:discovered" for w in all_wrappers())

    def test_get_wrapper_imports_an_unknown_module(self) -> None:
        from restflow.caching.registry import get_wrapper

        assert get_wrapper("cachetests.lazy_cached:lazy")(2) == 4
