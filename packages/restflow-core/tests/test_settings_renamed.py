"""Section names are one upper-case word; a renamed section is still read under its old name."""

from __future__ import annotations

import pytest
from django.core import checks
from django.test import override_settings

import restflow.settings as rf_settings
from restflow.settings import SettingsError, register_section, validate_all
from restflow.settings.checks import OLD_SECTION_NAME_WARNING, check_section_names


@pytest.fixture(autouse=True)
def isolated_sections(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rf_settings, "_SECTIONS", dict(rf_settings._SECTIONS))


@pytest.fixture
def cache() -> rf_settings.SettingsSection:
    """A stand-in for restflow-cache's section (restflow-core's tests run without it)."""
    return register_section("CACHE", defaults={"DEFAULT_TTL": 300}, types={"DEFAULT_TTL": int})


def test_cache_settings_is_the_old_name_of_cache() -> None:
    assert rf_settings.RENAMED_SECTIONS == {"CACHE_SETTINGS": "CACHE"}
    assert "CACHE" in rf_settings.DOCUMENTED_SECTIONS


@pytest.mark.parametrize("name", ["CACHE", "CACHE_SETTINGS"])
def test_the_section_reads_its_new_and_its_old_name(
    cache: rf_settings.SettingsSection, name: str
) -> None:
    with override_settings(RESTFLOW_SETTINGS={name: {"DEFAULT_TTL": 60}}):
        assert cache.DEFAULT_TTL == 60
        validate_all()


def test_a_problem_under_the_old_name_names_the_key_the_user_wrote(
    cache: rf_settings.SettingsSection,
) -> None:
    with (
        override_settings(RESTFLOW_SETTINGS={"CACHE_SETTINGS": {"DEFAULT_TTL": "60"}}),
        pytest.raises(SettingsError) as info,
    ):
        validate_all()
    assert info.value.problems == [
        "RESTFLOW_SETTINGS['CACHE_SETTINGS']['DEFAULT_TTL'] must be int, got str"
    ]


def test_both_names_at_once_is_an_error_naming_both(cache: rf_settings.SettingsSection) -> None:
    both = {"CACHE": {"DEFAULT_TTL": 1}, "CACHE_SETTINGS": {"DEFAULT_TTL": 2}}
    expected = (
        "RESTFLOW_SETTINGS has both 'CACHE' and 'CACHE_SETTINGS', its old name: keep only "
        "'CACHE' (the old name is read only when the new one is absent)"
    )
    with override_settings(RESTFLOW_SETTINGS=both):
        with pytest.raises(SettingsError) as info:
            validate_all()
        assert info.value.problems == [expected]
        with pytest.raises(SettingsError, match="has both 'CACHE' and 'CACHE_SETTINGS'"):
            cache.DEFAULT_TTL  # noqa: B018


def test_the_old_name_is_accepted_when_its_package_is_absent() -> None:
    rf_settings._SECTIONS.clear()  # as in an install of restflow-core alone
    with override_settings(RESTFLOW_SETTINGS={"CACHE_SETTINGS": {"ANY_KEY": 1}}):
        validate_all()
    with (
        override_settings(RESTFLOW_SETTINGS={"CACHE_SETTINGS": 3}),
        pytest.raises(SettingsError) as info,
    ):
        validate_all()
    assert info.value.problems == ["RESTFLOW_SETTINGS['CACHE_SETTINGS'] must be a dict, got int"]


def test_the_old_name_is_a_system_check_warning_naming_the_new_one() -> None:
    with override_settings(RESTFLOW_SETTINGS={"CACHE_SETTINGS": {}}):
        (warning,) = check_section_names()
    assert isinstance(warning, checks.Warning)
    assert warning.id == OLD_SECTION_NAME_WARNING == "restflow_core.W001"
    assert "RESTFLOW_SETTINGS['CACHE_SETTINGS'] is the old name of the 'CACHE' section" in (
        warning.msg
    )
    assert warning.hint == "Rename the key to 'CACHE'; nothing else changes."


@pytest.mark.parametrize(
    "config", [{}, {"CACHE": {}}, {"JWT": {}}], ids=["none", "new-name", "other"]
)
def test_current_names_give_no_warning(config: dict[str, object]) -> None:
    with override_settings(RESTFLOW_SETTINGS=config):
        assert check_section_names() == []


def test_the_warning_is_registered_under_the_restflow_tag() -> None:
    assert check_section_names in checks.registry.registry.get_checks()


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({"CACHE": {"CACHE_ALIAS": "a"}}, {"CACHE_ALIAS": "a"}),
        ({"CACHE_SETTINGS": {"CACHE_ALIAS": "b"}}, {"CACHE_ALIAS": "b"}),
        ({"CACHE": 3}, None),
        ({}, None),
    ],
    ids=["new-name", "old-name", "not-a-dict", "absent"],
)
def test_given_section_reads_another_package_section_under_either_name(
    config: dict[str, object], expected: object
) -> None:
    rf_settings._SECTIONS.clear()  # read without the owning package
    with override_settings(RESTFLOW_SETTINGS=config):
        assert rf_settings.given_section("CACHE") == expected
