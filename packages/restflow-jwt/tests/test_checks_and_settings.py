"""Start-up validation: the JWT section's keys and types, and restflow-jwt's system checks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings
from jwt_settings import SIGNING_KEY

from jwttests.keys import key_pair
from restflow.authentication import checks
from restflow.authentication.settings import jwt_settings

MODEL_BACKEND = "restflow.authentication.blacklist.ModelBlacklistBackend"
CACHE_BACKEND = "restflow.authentication.blacklist.CacheBlacklistBackend"


def _jwt(**jwt: Any) -> Any:
    return override_settings(RESTFLOW_SETTINGS={"JWT": jwt})


def _ids(**jwt: Any) -> list[str]:
    with _jwt(**jwt):
        return sorted(
            message.id or ""
            for check in (
                checks.check_keys,
                checks.check_blacklist,
                checks.check_login_throttle,
                checks.check_user_id_field,
            )
            for message in check()
        )


def _messages(check: Any, **jwt: Any) -> list[Any]:
    with _jwt(**jwt):
        return list(check())


# -- settings section ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("ALGORITHM", "none", "unsupported algorithm"),
        ("ALGORITHM", "HS1", "unsupported algorithm"),
        ("ACCESS_TOKEN_LIFETIME", 300, "timedelta"),
        ("ACCESS_TOKEN_LIFETIME", timedelta(0), "positive"),
        ("LEEWAY", -1, "negative"),
        ("AUTH_HEADER_TYPES", ("Bearer token",), "non-empty words"),
        ("AUTH_HEADER_TYPES", (), "non-empty"),
        ("ROTATE_REFRESH_TOKENS", "yes", "bool"),
        ("AUDIENCE", ["api", 3], "list of str"),
        ("SIGNIN_KEY", "x", "SIGNIN_KEY"),
        ("BLACKLIST_BACKEND", "no.such.Backend", "BLACKLIST_BACKEND"),
    ],
)
def test_invalid_setting_raises_improperly_configured_naming_the_key(
    key: str, value: Any, expected: str
) -> None:
    def read() -> None:
        jwt_settings.validate()
        jwt_settings.BLACKLIST_BACKEND  # noqa: B018  (import strings resolve on access)

    with (
        _jwt(SIGNING_KEY=SIGNING_KEY, **{key: value}),
        pytest.raises(ImproperlyConfigured, match=expected) as caught,
    ):
        read()
    assert key in str(caught.value)


def test_defaults_are_usable_with_a_signing_key() -> None:
    with _jwt(SIGNING_KEY=SIGNING_KEY):
        assert jwt_settings.ALGORITHM == "HS256"
        assert timedelta(minutes=5) == jwt_settings.ACCESS_TOKEN_LIFETIME
        assert jwt_settings.AUTH_HEADER_TYPES == ("Bearer",)
        assert jwt_settings.BLACKLIST_ENABLED is True


# -- keys -------------------------------------------------------------------------------


def test_good_settings_pass_every_check() -> None:
    # outside DEBUG the only remark: login attempts counted in the per-process LocMem cache
    assert _ids(SIGNING_KEY=SIGNING_KEY) == ["restflow_authentication.W004"]
    with override_settings(DEBUG=True):
        assert _ids(SIGNING_KEY=SIGNING_KEY) == []  # development works too


def test_missing_signing_key_is_e001() -> None:
    [error] = _messages(checks.check_keys)
    assert error.id == "restflow_authentication.E001"
    assert "SIGNING_KEY" in error.msg
    assert "not set" in error.msg


@pytest.mark.parametrize(("algorithm", "minimum"), [("HS256", 32), ("HS384", 48), ("HS512", 64)])
def test_short_hmac_key_is_e001(algorithm: str, minimum: int) -> None:
    [error] = _messages(checks.check_keys, ALGORITHM=algorithm, SIGNING_KEY="k" * (minimum - 1))
    assert error.id == "restflow_authentication.E001"
    assert f"{minimum - 1} bytes" in error.msg
    assert _messages(checks.check_keys, ALGORITHM=algorithm, SIGNING_KEY="k" * minimum) == []


def test_asymmetric_algorithm_without_keys_is_e002() -> None:
    [error] = _messages(checks.check_keys, ALGORITHM="RS256")
    assert error.id == "restflow_authentication.E002"
    assert "VERIFYING_KEY" in error.msg


def test_unloadable_asymmetric_key_is_e002() -> None:
    [error] = _messages(checks.check_keys, ALGORITHM="ES256", VERIFYING_KEY="garbage")
    assert error.id == "restflow_authentication.E002"
    assert "cannot be loaded" in error.msg


@pytest.mark.parametrize("which", ["SIGNING_KEY", "VERIFYING_KEY"])
def test_asymmetric_algorithm_with_one_good_key_passes(which: str) -> None:
    private, public = key_pair("EdDSA")
    key = private if which == "SIGNING_KEY" else public
    assert _messages(checks.check_keys, ALGORITHM="EdDSA", **{which: key}) == []


def test_asymmetric_algorithm_without_cryptography_is_e003(monkeypatch: pytest.MonkeyPatch) -> None:
    from restflow.authentication import _compat

    monkeypatch.setattr(_compat, "has_cryptography", lambda: False)
    [error] = _messages(checks.check_keys, ALGORITHM="RS256", VERIFYING_KEY="x")
    assert error.id == "restflow_authentication.E003"
    assert error.hint == 'pip install "restflow-jwt[crypto]"'


def test_invalid_section_is_left_to_restflow_core_check() -> None:
    assert _ids(SIGNING_KEY=SIGNING_KEY, ALGORITHM="none") == []


# -- blacklist ----------------------------------------------------------------------------


def test_unknown_blacklist_cache_alias_is_e006() -> None:
    [error] = _messages(
        checks.check_blacklist,
        SIGNING_KEY=SIGNING_KEY,
        BLACKLIST_BACKEND=CACHE_BACKEND,
        BLACKLIST_CACHE_ALIAS="nope",
    )
    assert error.id == "restflow_authentication.E006"
    assert "'nope'" in error.msg


def test_a_disabled_blacklist_is_not_checked() -> None:
    jwt = {"SIGNING_KEY": SIGNING_KEY, "BLACKLIST_ENABLED": False}
    assert _messages(checks.check_blacklist, BLACKLIST_BACKEND=CACHE_BACKEND, **jwt) == []


def test_model_backend_passes_when_the_app_is_installed() -> None:
    assert (
        _messages(checks.check_blacklist, SIGNING_KEY=SIGNING_KEY, BLACKLIST_BACKEND=MODEL_BACKEND)
        == []
    )


def test_model_backend_without_the_app_is_e004(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.apps import apps

    monkeypatch.setattr(apps, "is_installed", lambda name: name != "restflow.authentication")
    [error] = _messages(
        checks.check_blacklist, SIGNING_KEY=SIGNING_KEY, BLACKLIST_BACKEND=MODEL_BACKEND
    )
    assert error.id == "restflow_authentication.E004"
    assert "INSTALLED_APPS" in error.hint
    assert "migrate" in error.hint
    assert _messages(checks.check_blacklist, SIGNING_KEY=SIGNING_KEY) == [error]  # the default


# -- user id field ----------------------------------------------------------------------


@pytest.mark.parametrize("field", ["id", "username"])
def test_unique_user_id_field_passes(field: str) -> None:
    assert _messages(checks.check_user_id_field, SIGNING_KEY=SIGNING_KEY, USER_ID_FIELD=field) == []


@pytest.mark.parametrize("field", ["email", "password", "nope"])
def test_non_unique_or_secret_user_id_field_is_e005(field: str) -> None:
    [error] = _messages(checks.check_user_id_field, SIGNING_KEY=SIGNING_KEY, USER_ID_FIELD=field)
    assert error.id == "restflow_authentication.E005"
    assert "id, username" in error.hint


def test_a_user_id_field_outside_the_allowlist_is_e011() -> None:
    [error] = _messages(
        checks.check_user_id_field,
        SIGNING_KEY=SIGNING_KEY,
        USER_ID_FIELD="username",
        USER_ID_FIELD_ALLOWLIST=("id", "uuid"),
    )
    assert error.id == "restflow_authentication.E011"
    assert "USER_ID_FIELD_ALLOWLIST" in error.msg


def test_the_reference_library_s_allowlist_is_the_default() -> None:
    with _jwt(SIGNING_KEY=SIGNING_KEY):
        assert tuple(jwt_settings.USER_ID_FIELD_ALLOWLIST) == (
            "id",
            "pk",
            "uuid",
            "username",
            "email",
        )


@pytest.mark.parametrize("bad", [(), ("id", ""), ("id", 3)])
def test_a_malformed_allowlist_is_refused_naming_the_key(bad: Any) -> None:
    with (
        _jwt(SIGNING_KEY=SIGNING_KEY, USER_ID_FIELD_ALLOWLIST=bad),
        pytest.raises(ImproperlyConfigured, match="USER_ID_FIELD_ALLOWLIST"),
    ):
        jwt_settings.USER_ID_FIELD_ALLOWLIST  # noqa: B018


def test_checks_run_through_django_check_framework() -> None:
    from django.core import checks as django_checks

    with _jwt(SIGNING_KEY="short"):
        ids = {message.id for message in django_checks.run_checks(tags=["restflow"])}
    assert "restflow_authentication.E001" in ids


def test_ids_carry_the_app_label_and_keep_their_numbers() -> None:
    assert checks.FORMER_IDS["restflow_authentication.E011"] == "restflow_jwt.E011"
    assert checks.FORMER_IDS["restflow_authentication.W004"] == "restflow_jwt.W004"
    assert len(checks.FORMER_IDS) == 15


@pytest.mark.parametrize("silenced", ["restflow_jwt.E001", "restflow_authentication.E001"])
def test_the_former_and_the_current_id_both_silence_a_check(silenced: str) -> None:
    with _jwt(SIGNING_KEY="short"):
        with pytest.raises(SystemCheckError, match=r"restflow_authentication\.E001"):
            call_command("check", tags=["restflow"])
        with override_settings(SILENCED_SYSTEM_CHECKS=[silenced]):
            call_command("check", tags=["restflow"])  # no SystemCheckError


def test_the_reference_library_s_dotted_paths_resolve_to_restflow_s_own() -> None:
    from restflow.authentication import CacheBlacklistBackend, ModelBlacklistBackend
    from restflow.authentication.users import default_user_authentication_rule

    reference = {
        "SIGNING_KEY": SIGNING_KEY,
        "BLACKLIST_BACKEND": "restflow.authentication.jwt.ModelBlacklistBackend",
        "USER_AUTHENTICATION_RULE": (
            "restflow.authentication.jwt.default_user_authentication_rule"
        ),
    }
    with _jwt(**reference):
        assert jwt_settings.BLACKLIST_BACKEND is ModelBlacklistBackend
        assert jwt_settings.USER_AUTHENTICATION_RULE is default_user_authentication_rule
    with _jwt(
        **{**reference, "BLACKLIST_BACKEND": "restflow.authentication.jwt.CacheBlacklistBackend"}
    ):
        assert jwt_settings.BLACKLIST_BACKEND is CacheBlacklistBackend
