"""restflow-jwt's system checks; importing this module registers them (tag ``restflow``).

- ``restflow_jwt.E001``: no ``SIGNING_KEY`` for an HMAC algorithm, or one
  shorter than the digest (32/48/64 bytes for HS256/384/512).
- ``restflow_jwt.E002``: an asymmetric algorithm without keys, or keys that
  cannot be loaded.
- ``restflow_jwt.E003``: an asymmetric algorithm without ``cryptography``.
- ``restflow_jwt.E004``: ``ModelBlacklistBackend`` without
  ``"restflow.authentication"`` in ``INSTALLED_APPS``.
- ``restflow_jwt.E005``: ``USER_ID_FIELD`` is not a unique field of the user model.
- ``restflow_jwt.E006``: ``BLACKLIST_CACHE_ALIAS`` names no cache.
- ``restflow_jwt.W001``: ``CacheBlacklistBackend`` on a per-process LocMem
  cache: revocations do not reach other worker processes (fine in development,
  where it is only this warning; silence it with ``SILENCED_SYSTEM_CHECKS``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig, apps
from django.conf import settings
from django.core import checks
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured

from restflow.authentication import _compat
from restflow.authentication.settings import HMAC_ALGORITHMS, HMAC_MIN_KEY_BYTES, jwt_settings

__all__ = ["check_blacklist", "check_keys", "check_user_id_field"]

_WHERE = "RESTFLOW_SETTINGS['JWT']"


def _section_is_valid() -> bool:
    try:
        jwt_settings.user_settings  # noqa: B018  (validates the section)
    except ImproperlyConfigured:
        return False  # restflow.E002 (restflow-core's check) reports it
    return True


@checks.register("restflow")
def check_keys(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """E001–E003: the signing and verifying keys suit ``ALGORITHM``."""
    if not _section_is_valid():
        return []
    algorithm = jwt_settings.ALGORITHM
    signing_key = jwt_settings.SIGNING_KEY
    if algorithm in HMAC_ALGORITHMS:
        minimum = HMAC_MIN_KEY_BYTES[algorithm]
        if not signing_key:
            return [
                checks.Error(
                    f"{_WHERE}['SIGNING_KEY'] is not set: tokens cannot be signed or verified.",
                    hint=f"Set it to a random secret of at least {minimum} bytes, e.g. "
                    "secrets.token_urlsafe(64), read from the environment.",
                    id="restflow_jwt.E001",
                )
            ]
        size = len(signing_key.encode() if isinstance(signing_key, str) else signing_key)
        if size < minimum:
            return [
                checks.Error(
                    f"{_WHERE}['SIGNING_KEY'] is {size} bytes long; {algorithm} needs at "
                    f"least {minimum}.",
                    hint="Use a longer random secret, e.g. secrets.token_urlsafe(64).",
                    id="restflow_jwt.E001",
                )
            ]
        return _loadable()
    if not _compat.has_cryptography():
        return [
            checks.Error(
                f"{_WHERE}['ALGORITHM'] is {algorithm!r}, which needs 'cryptography'.",
                hint='pip install "restflow-jwt[crypto]"',
                id="restflow_jwt.E003",
            )
        ]
    if not signing_key and not jwt_settings.VERIFYING_KEY:
        return [
            checks.Error(
                f"{_WHERE}: {algorithm} needs keys: SIGNING_KEY (the PEM private key) to "
                "issue tokens and/or VERIFYING_KEY (the PEM public key) to verify them.",
                id="restflow_jwt.E002",
            )
        ]
    return _loadable()


def _loadable() -> list[checks.CheckMessage]:
    from restflow.authentication.signing import Signer

    try:
        Signer(jwt_settings.ALGORITHM, jwt_settings.SIGNING_KEY, jwt_settings.VERIFYING_KEY)
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="restflow_jwt.E002")]
    return []


@checks.register("restflow")
def check_blacklist(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """E004, E006, W001: the blacklist backend can work and is shared between processes."""
    if not _section_is_valid() or not jwt_settings.BLACKLIST_ENABLED:
        return []
    from restflow.authentication.blacklist import CacheBlacklistBackend, ModelBlacklistBackend

    try:
        backend = jwt_settings.BLACKLIST_BACKEND
    except ImproperlyConfigured:
        return []  # restflow.E002 names the import error
    if isinstance(backend, type) and issubclass(backend, ModelBlacklistBackend):
        if not apps.is_installed("restflow.authentication"):
            return [
                checks.Error(
                    f"{_WHERE}['BLACKLIST_BACKEND'] is ModelBlacklistBackend, but "
                    "'restflow.authentication' is not in INSTALLED_APPS.",
                    hint="Add 'restflow.authentication' to INSTALLED_APPS and run migrate.",
                    id="restflow_jwt.E004",
                )
            ]
        return []
    if not (isinstance(backend, type) and issubclass(backend, CacheBlacklistBackend)):
        return []
    alias = jwt_settings.BLACKLIST_CACHE_ALIAS
    if alias not in settings.CACHES:
        return [
            checks.Error(
                f"{_WHERE}['BLACKLIST_CACHE_ALIAS'] is {alias!r}, which is not in CACHES.",
                hint=f"Use one of: {', '.join(sorted(settings.CACHES))}.",
                id="restflow_jwt.E006",
            )
        ]
    from django.core.cache import caches

    from restflow.authentication.blacklist.cache import is_local_memory_cache

    if is_local_memory_cache(caches[alias]):
        return [
            checks.Warning(
                f"JWT blacklist entries are kept in the per-process LocMem cache {alias!r}: a "
                "token revoked in one worker process stays valid in the others.",
                hint="Fine for development. In production point BLACKLIST_CACHE_ALIAS at a "
                "shared cache (Redis) or use ModelBlacklistBackend.",
                id="restflow_jwt.W001",
            )
        ]
    return []


@checks.register("restflow")
def check_user_id_field(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """E005: ``USER_ID_FIELD`` names a unique, non-secret field of the user model."""
    if not _section_is_valid():
        return []
    from django.contrib.auth import get_user_model

    field_name = jwt_settings.USER_ID_FIELD
    model = get_user_model()
    try:
        field = model._meta.get_field(field_name)
    except FieldDoesNotExist:
        field = None
    if field is None or not getattr(field, "unique", False) or field_name == "password":
        allowed = sorted(
            f.name for f in model._meta.concrete_fields if f.unique and f.name != "password"
        )
        return [
            checks.Error(
                f"{_WHERE}['USER_ID_FIELD'] is {field_name!r}, which is not a unique field of "
                f"{model._meta.label}: tokens could name the wrong user.",
                hint=f"Use one of: {', '.join(allowed)}.",
                id="restflow_jwt.E005",
            )
        ]
    return []
