"""Throttle configuration: DRF's rate syntax, clear errors for bad rates, the system checks."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings
from throttle_support import make_request

from restflow.asynccache import parse_rate
from restflow.throttling import AnonRateThrottle, ScopedRateThrottle, SimpleRateThrottle
from restflow.throttling.checks import (
    BAD_RATE_ERROR,
    FORMER_IDS,
    THROTTLE_CLASS_ERROR,
    check_throttle_rates,
)

HANDLER = "restflow.exceptions.exception_handler"


def rest_framework(**values: Any) -> override_settings:
    return override_settings(REST_FRAMEWORK={"EXCEPTION_HANDLER": HANDLER, **values})


class TestRateSyntax:
    @pytest.mark.parametrize(
        ("rate", "expected"),
        [
            ("5/s", (5, 1)),
            ("5/sec", (5, 1)),
            ("5/second", (5, 1)),
            ("10/m", (10, 60)),
            ("10/min", (10, 60)),
            ("10/minute", (10, 60)),
            ("100/h", (100, 3600)),
            ("100/hour", (100, 3600)),
            ("100/day", (100, 86400)),
            ("100/d", (100, 86400)),
            ("7/days", (7, 86400)),
            (" 3 / MIN ", (3, 60)),
            ("0/min", (0, 60)),
        ],
    )
    def test_drf_rates_parse(self, rate: str, expected: tuple[int, int]) -> None:
        assert parse_rate(rate) == expected

    @pytest.mark.parametrize(
        ("rate", "reason"),
        [
            ("10", "'<count>/<period>'"),
            ("ten/min", "'<count>/<period>'"),
            ("-1/min", "'<count>/<period>'"),
            ("1.5/min", "'<count>/<period>'"),
            ("10/month", "unknown period 'month'"),
            ("10/", "unknown period ''"),
            (10, "a rate is a string"),
        ],
    )
    def test_bad_rates_are_refused_with_the_reason(self, rate: Any, reason: str) -> None:
        with pytest.raises(ValueError, match=reason):
            parse_rate(rate)


class TestConfigurationErrors:
    def test_bad_rate_in_settings_names_the_scope(self) -> None:
        with (
            rest_framework(DEFAULT_THROTTLE_RATES={"anon": "10/fortnight"}),
            pytest.raises(ImproperlyConfigured, match=r"scope 'anon'.*'fortnight'"),
        ):
            AnonRateThrottle()

    def test_missing_scope_rate_names_the_scope(self) -> None:
        with (
            rest_framework(DEFAULT_THROTTLE_RATES={}),
            pytest.raises(ImproperlyConfigured, match=r"scope 'anon'.*missing"),
        ):
            AnonRateThrottle()

    def test_throttle_without_scope_or_rate_names_the_class(self) -> None:
        class Nameless(SimpleRateThrottle):
            pass

        with pytest.raises(ImproperlyConfigured, match="Nameless: set either 'scope' or 'rate'"):
            Nameless()

    def test_bad_rate_attribute_names_the_class(self) -> None:
        class Broken(SimpleRateThrottle):
            rate = "3 per minute"

        with pytest.raises(ImproperlyConfigured, match=r"Broken\.rate"):
            Broken()

    @pytest.mark.parametrize("path", ["sync", "async"])
    async def test_scoped_throttle_with_an_unknown_scope_raises(self, path: str) -> None:
        throttle = ScopedRateThrottle()
        view = type("V", (), {"throttle_scope": "nowhere"})()
        request = make_request(path)
        allow = (
            throttle.aallow_request if path == "async" else sync_to_async(throttle.allow_request)
        )
        with (
            rest_framework(DEFAULT_THROTTLE_RATES={}),
            pytest.raises(ImproperlyConfigured, match="scope 'nowhere'"),
        ):
            await allow(request, view)


class TestSystemChecks:
    def test_valid_rates_pass(self) -> None:
        with rest_framework(
            DEFAULT_THROTTLE_RATES={"anon": "10/min", "user": None},
            DEFAULT_THROTTLE_CLASSES=["restflow.throttling.AnonRateThrottle"],
        ):
            assert check_throttle_rates() == []

    def test_bad_rate_is_an_error_naming_the_scope(self) -> None:
        with rest_framework(DEFAULT_THROTTLE_RATES={"uploads": "10/mins/x", "anon": "1/s"}):
            errors = check_throttle_rates()
        assert [error.id for error in errors] == [BAD_RATE_ERROR]
        assert "['uploads']" in errors[0].msg

    def test_default_class_without_a_rate_is_an_error(self) -> None:
        with rest_framework(
            DEFAULT_THROTTLE_RATES={"anon": "1/s"},
            DEFAULT_THROTTLE_CLASSES=["restflow.throttling.UserRateThrottle"],
        ):
            errors = check_throttle_rates()
        assert [error.id for error in errors] == [THROTTLE_CLASS_ERROR]
        assert "'user'" in errors[0].msg

    def test_unknown_cache_alias_is_an_error(self) -> None:
        with rest_framework(
            DEFAULT_THROTTLE_RATES={"anon": "1/s"},
            DEFAULT_THROTTLE_CLASSES=[f"{__name__}.OnMissingAlias"],
        ):
            errors = check_throttle_rates()
        assert [error.id for error in errors] == [THROTTLE_CLASS_ERROR]
        assert "'throttles'" in errors[0].msg

    def test_ids_carry_the_app_label_and_keep_their_numbers(self) -> None:
        assert (BAD_RATE_ERROR, THROTTLE_CLASS_ERROR) == (
            "restflow_throttling.E001",
            "restflow_throttling.E002",
        )
        assert FORMER_IDS == {
            BAD_RATE_ERROR: "restflow_views.E001",
            THROTTLE_CLASS_ERROR: "restflow_views.E002",
        }

    @pytest.mark.parametrize("silenced", ["restflow_views.E001", "restflow_throttling.E001"])
    def test_the_former_and_the_current_id_both_silence_the_check(self, silenced: str) -> None:
        with rest_framework(DEFAULT_THROTTLE_RATES={"anon": "many/min"}):
            with pytest.raises(SystemCheckError, match=r"restflow_throttling\.E001"):
                call_command("check", tags=["restflow"])
            with override_settings(SILENCED_SYSTEM_CHECKS=[silenced]):
                call_command("check", tags=["restflow"])  # no SystemCheckError

    def test_check_is_registered_under_the_restflow_tag(self) -> None:
        with rest_framework(DEFAULT_THROTTLE_RATES={"anon": "many/min"}):
            errors = checks.run_checks(tags=["restflow"])
        assert BAD_RATE_ERROR in [error.id for error in errors]


class OnMissingAlias(AnonRateThrottle):
    cache_alias = "throttles"
