"""``RESTFLOW_SETTINGS["JWT"]``: restflow-jwt's settings section.

Keys, defaults and types are registered with restflow-core's settings
machinery; unknown keys and wrong types raise ``ImproperlyConfigured``
naming the key. Nothing here reads Django settings at import.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from restflow.settings import register_section

__all__ = [
    "ASYMMETRIC_ALGORITHMS",
    "HMAC_ALGORITHMS",
    "HMAC_MIN_KEY_BYTES",
    "SUPPORTED_ALGORITHMS",
    "jwt_settings",
]

HMAC_ALGORITHMS = frozenset({"HS256", "HS384", "HS512"})
# every algorithm PyJWT signs with but "none" (the asymmetric ones need the crypto extra)
ASYMMETRIC_ALGORITHMS = frozenset(
    {
        *("RS256", "RS384", "RS512"),
        *("PS256", "PS384", "PS512"),
        *("ES256", "ES256K", "ES384", "ES512", "ES521"),
        "EdDSA",
    }
)
SUPPORTED_ALGORITHMS = HMAC_ALGORITHMS | ASYMMETRIC_ALGORITHMS

HMAC_MIN_KEY_BYTES = {"HS256": 32, "HS384": 48, "HS512": 64}
"""The shortest HMAC key accepted per algorithm: the digest size (RFC 7518 §3.2)."""


def _algorithm(value: Any) -> None:
    if value not in SUPPORTED_ALGORITHMS:
        raise ValueError(
            f"unsupported algorithm {value!r}; choose one of {', '.join(sorted(SUPPORTED_ALGORITHMS))}"
        )


def _positive_lifetime(value: Any) -> None:
    if value <= timedelta(0):
        raise ValueError("must be a positive timedelta")


def _non_negative(value: Any) -> None:
    seconds = value.total_seconds() if isinstance(value, timedelta) else value
    if seconds < 0:
        raise ValueError("must not be negative")


def _header_types(value: Any) -> None:
    items = (value,) if isinstance(value, str) else value
    if not items or not all(isinstance(item, str) and item and " " not in item for item in items):
        raise ValueError("must be a non-empty str or sequence of non-empty words, e.g. ('Bearer',)")


def _field_names(value: Any) -> None:
    if not value or not all(isinstance(item, str) and item for item in value):
        raise ValueError("must be a non-empty sequence of field names, e.g. ('id', 'uuid')")


def _audience(value: Any) -> None:
    if isinstance(value, (list, tuple)) and not all(isinstance(item, str) for item in value):
        raise ValueError("must be a str or a list of str")


def _claim_name(value: Any) -> None:
    if not value:
        raise ValueError("must be a non-empty claim name")


jwt_settings = register_section(
    "JWT",
    defaults={
        "SIGNING_KEY": None,
        "VERIFYING_KEY": None,
        "ALGORITHM": "HS256",
        "ACCESS_TOKEN_LIFETIME": timedelta(minutes=5),
        "REFRESH_TOKEN_LIFETIME": timedelta(days=1),
        "ISSUER": None,
        "AUDIENCE": None,
        "LEEWAY": 0,
        "USER_ID_CLAIM": "user_id",
        "USER_ID_FIELD": "id",
        "USER_ID_FIELD_ALLOWLIST": ("id", "pk", "uuid", "username", "email"),
        "TOKEN_TYPE_CLAIM": "token_type",
        "JTI_CLAIM": "jti",
        "AUTH_HEADER_TYPES": ("Bearer",),
        "AUTH_HEADER_NAME": "HTTP_AUTHORIZATION",
        "AUTH_REALM": "api",
        "MAX_TOKEN_LENGTH": 4096,
        "ROTATE_REFRESH_TOKENS": False,
        "BLACKLIST_ENABLED": True,
        "BLACKLIST_AFTER_ROTATION": True,
        "BLACKLIST_BACKEND": "restflow.authentication.blacklist.ModelBlacklistBackend",
        "BLACKLIST_CACHE_ALIAS": "default",
        "BLACKLIST_ALLOW_LOCMEM": False,
        "LOGIN_THROTTLE_CACHE_ALIAS": "default",
        "BLACKLIST_KEY_PREFIX": "restflow:jwt:blacklist:",
        "CHECK_USER_IS_ACTIVE": True,
        "CHECK_REVOKE_TOKEN": False,
        "REVOKE_TOKEN_CLAIM": "hash_password",
        "USER_AUTHENTICATION_RULE": (
            "restflow.authentication.users.default_user_authentication_rule"
        ),
        "USER_CACHE_TTL": 0,
        "UPDATE_LAST_LOGIN": False,
    },
    types={
        "SIGNING_KEY": (str, bytes),
        "VERIFYING_KEY": (str, bytes),
        "ALGORITHM": str,
        "ACCESS_TOKEN_LIFETIME": timedelta,
        "REFRESH_TOKEN_LIFETIME": timedelta,
        "ISSUER": str,
        "AUDIENCE": (str, list, tuple),
        "LEEWAY": (int, float, timedelta),
        "USER_ID_CLAIM": str,
        "USER_ID_FIELD": str,
        "USER_ID_FIELD_ALLOWLIST": (list, tuple),
        "TOKEN_TYPE_CLAIM": str,
        "JTI_CLAIM": str,
        "AUTH_HEADER_TYPES": (str, list, tuple),
        "AUTH_HEADER_NAME": str,
        "AUTH_REALM": str,
        "MAX_TOKEN_LENGTH": int,
        "ROTATE_REFRESH_TOKENS": bool,
        "BLACKLIST_ENABLED": bool,
        "BLACKLIST_AFTER_ROTATION": bool,
        "BLACKLIST_CACHE_ALIAS": str,
        "BLACKLIST_ALLOW_LOCMEM": bool,
        "LOGIN_THROTTLE_CACHE_ALIAS": str,
        "BLACKLIST_KEY_PREFIX": str,
        "CHECK_USER_IS_ACTIVE": bool,
        "CHECK_REVOKE_TOKEN": bool,
        "REVOKE_TOKEN_CLAIM": str,
        "USER_CACHE_TTL": (int, float),
        "UPDATE_LAST_LOGIN": bool,
    },
    import_strings={"BLACKLIST_BACKEND", "USER_AUTHENTICATION_RULE"},
    validators={
        "ALGORITHM": _algorithm,
        "ACCESS_TOKEN_LIFETIME": _positive_lifetime,
        "REFRESH_TOKEN_LIFETIME": _positive_lifetime,
        "LEEWAY": _non_negative,
        "USER_CACHE_TTL": _non_negative,
        "MAX_TOKEN_LENGTH": _non_negative,
        "AUTH_HEADER_TYPES": _header_types,
        "USER_ID_FIELD_ALLOWLIST": _field_names,
        "AUDIENCE": _audience,
        "USER_ID_CLAIM": _claim_name,
        "TOKEN_TYPE_CLAIM": _claim_name,
        "JTI_CLAIM": _claim_name,
        "REVOKE_TOKEN_CLAIM": _claim_name,
    },
)


def header_types(value: str | Sequence[str]) -> tuple[str, ...]:
    """``AUTH_HEADER_TYPES`` as a tuple (a single ``str`` is allowed)."""
    return (value,) if isinstance(value, str) else tuple(value)
