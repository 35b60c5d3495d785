"""Check ids follow ``<app label>.E###``; the former ids still silence the renamed checks."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from restflow.settings.checks import (
    FORMER_IDS,
    SETTINGS_ERROR,
    check_namespace,
    check_settings,
    honour_former_ids,
)


def _two_messages(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    return [
        checks.Error("renamed", id="demo_app.E001"),
        checks.Warning("never renamed", id="demo_app.W001"),
    ]


honouring = honour_former_ids({"demo_app.E001": "demo.E001"})(_two_messages)


def test_core_ids_use_the_app_label_restflow_core() -> None:
    assert SETTINGS_ERROR == "restflow_core.E002"
    assert FORMER_IDS == {
        "restflow_core.E001": "restflow.E001",
        "restflow_core.E002": "restflow.E002",
    }


def test_a_former_id_in_silenced_system_checks_drops_the_message() -> None:
    with override_settings(SILENCED_SYSTEM_CHECKS=["demo.E001"]):
        assert [m.id for m in honouring()] == ["demo_app.W001"]


def test_without_former_ids_silenced_every_message_stays() -> None:
    with override_settings(SILENCED_SYSTEM_CHECKS=["demo_app.W001", "other.E001"]):
        assert [m.id for m in honouring()] == ["demo_app.E001", "demo_app.W001"]


def test_the_decorated_check_keeps_its_name() -> None:
    assert honouring.__name__ == "_two_messages"


@pytest.mark.parametrize("silenced", ["restflow.E002", "restflow_core.E002"])
def test_old_and_new_ids_both_silence_the_settings_check(silenced: str) -> None:
    with override_settings(RESTFLOW_SETTINGS={"FOO": {}}):
        assert [m.id for m in check_settings()] == [SETTINGS_ERROR]
        with override_settings(SILENCED_SYSTEM_CHECKS=[silenced]):
            call_command("check", tags=["restflow"])  # no SystemCheckError


def test_an_unrelated_silenced_id_does_not_silence_the_settings_check() -> None:
    with (
        override_settings(RESTFLOW_SETTINGS={"FOO": {}}, SILENCED_SYSTEM_CHECKS=["restflow.E001"]),
        pytest.raises(SystemCheckError, match=r"restflow_core\.E002"),
    ):
        call_command("check", tags=["restflow"])


def test_registered_core_checks_are_the_honouring_ones() -> None:
    registered = checks.registry.registry.get_checks()
    assert check_namespace in registered and check_settings in registered
    assert check_settings.__wrapped__ is not check_settings  # type: ignore[attr-defined]
    assert check_settings.__wrapped__.__name__ == "check_settings"  # type: ignore[attr-defined]
