"""restflow-jwt's system checks, registered by the app's ``ready()`` (tag ``restflow``).

Ids carry the app label, ``restflow_authentication``; the ``restflow_jwt.*`` ids
used before still silence them (:data:`FORMER_IDS`).

- ``restflow_authentication.E001``: no ``SIGNING_KEY`` for an HMAC algorithm, or one
  shorter than the digest (32/48/64 bytes for HS256/384/512).
- ``restflow_authentication.E002``: an asymmetric algorithm without keys, or keys that
  cannot be loaded.
- ``restflow_authentication.E003``: an asymmetric algorithm without ``cryptography``.
- ``restflow_authentication.E004``: ``ModelBlacklistBackend`` (the default) without
  ``"restflow.authentication"`` in ``INSTALLED_APPS``.
- ``restflow_authentication.E005``: ``USER_ID_FIELD`` is not a unique field of the user model.
- ``restflow_authentication.E011``: ``USER_ID_FIELD`` is not in ``USER_ID_FIELD_ALLOWLIST``.
- ``restflow_authentication.E006``: ``BLACKLIST_CACHE_ALIAS`` names no cache.
- ``restflow_authentication.E007`` (``W001`` in DEBUG): ``CacheBlacklistBackend`` on a
  cache that can lose revocations: per-process LocMem (unless
  ``BLACKLIST_ALLOW_LOCMEM``), a culling file or database cache, Memcached
  (LRU eviction) or the dummy cache.
- ``restflow_authentication.E008`` (``W002`` in DEBUG): ``CacheBlacklistBackend`` on an
  alias that requests fill with keys clients choose (restflow-cache's
  responses, Django's cache middleware, cached sessions, throttles).
- ``restflow_authentication.E009``: ``LOGIN_THROTTLE_CACHE_ALIAS`` names no cache.
- ``restflow_authentication.E010``: a login throttle rate (``jwt_login_address``,
  ``jwt_login_username`` in ``DEFAULT_THROTTLE_RATES``) is not a rate.
- ``restflow_authentication.W003`` (outside DEBUG): the login throttle counts in a cache
  that also holds cached responses, which can evict its counters.
- ``restflow_authentication.W004`` (outside DEBUG): the login throttle counts in a
  per-process (LocMem), non-atomic and culling (file, database) or dummy cache.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig, apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import checks
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured

from restflow.authentication import _compat
from restflow.authentication._cache_safety import Kind, cache_kind, client_filled_caches
from restflow.authentication.blacklist import CacheBlacklistBackend, ModelBlacklistBackend
from restflow.authentication.settings import HMAC_ALGORITHMS, HMAC_MIN_KEY_BYTES, jwt_settings
from restflow.authentication.signing import Signer
from restflow.authentication.throttling import (
    LOGIN_THROTTLES,
    login_throttle_rate,
    login_throttling_enabled,
    parse_rate,
)
from restflow.settings.checks import honour_former_ids

__all__ = [
    "FORMER_IDS",
    "check_blacklist",
    "check_keys",
    "check_login_throttle",
    "check_user_id_field",
]

FORMER_IDS = {
    f"restflow_authentication.{number}": f"restflow_jwt.{number}"
    for number in [*(f"E{n:03}" for n in range(1, 12)), *(f"W{n:03}" for n in range(1, 5))]
}
"""Current id -> the id the check had before ids followed the app label."""

_WHERE = "RESTFLOW_SETTINGS['JWT']"


def _section_is_valid() -> bool:
    try:
        jwt_settings.user_settings  # noqa: B018  (validates the section)
    except ImproperlyConfigured:
        return False  # restflow_core.E002 (restflow-core's check) reports it
    return True


@honour_former_ids(FORMER_IDS)
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
                    id="restflow_authentication.E001",
                )
            ]
        size = len(signing_key.encode() if isinstance(signing_key, str) else signing_key)
        if size < minimum:
            return [
                checks.Error(
                    f"{_WHERE}['SIGNING_KEY'] is {size} bytes long; {algorithm} needs at "
                    f"least {minimum}.",
                    hint="Use a longer random secret, e.g. secrets.token_urlsafe(64).",
                    id="restflow_authentication.E001",
                )
            ]
        return _loadable()
    if not _compat.has_cryptography():
        return [
            checks.Error(
                f"{_WHERE}['ALGORITHM'] is {algorithm!r}, which needs 'cryptography'.",
                hint='pip install "restflow-jwt[crypto]"',
                id="restflow_authentication.E003",
            )
        ]
    if not signing_key and not jwt_settings.VERIFYING_KEY:
        return [
            checks.Error(
                f"{_WHERE}: {algorithm} needs keys: SIGNING_KEY (the PEM private key) to "
                "issue tokens and/or VERIFYING_KEY (the PEM public key) to verify them.",
                id="restflow_authentication.E002",
            )
        ]
    return _loadable()


def _loadable() -> list[checks.CheckMessage]:
    try:
        Signer(jwt_settings.ALGORITHM, jwt_settings.SIGNING_KEY, jwt_settings.VERIFYING_KEY)
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="restflow_authentication.E002")]
    return []


def _unknown_alias(key: str, alias: str, check_id: str) -> checks.CheckMessage:
    return checks.Error(
        f"{_WHERE}[{key!r}] is {alias!r}, which is not in CACHES.",
        hint=f"Use one of: {', '.join(sorted(settings.CACHES))}.",
        id=check_id,
    )


@honour_former_ids(FORMER_IDS)
def check_blacklist(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """E004, E006–E008, W001–W002: the blacklist backend works and cannot lose revocations."""
    if not _section_is_valid() or not jwt_settings.BLACKLIST_ENABLED:
        return []
    try:
        backend = jwt_settings.BLACKLIST_BACKEND
    except ImproperlyConfigured:
        return []  # restflow_core.E002 names the import error
    if isinstance(backend, type) and issubclass(backend, ModelBlacklistBackend):
        if not apps.is_installed("restflow.authentication"):
            return [
                checks.Error(
                    f"{_WHERE}['BLACKLIST_BACKEND'] is ModelBlacklistBackend (the default), but "
                    "'restflow.authentication' is not in INSTALLED_APPS: revoking a token fails.",
                    hint="Add 'restflow.authentication' to INSTALLED_APPS and run migrate.",
                    id="restflow_authentication.E004",
                )
            ]
        return []
    if not (isinstance(backend, type) and issubclass(backend, CacheBlacklistBackend)):
        return []
    alias = jwt_settings.BLACKLIST_CACHE_ALIAS
    if alias not in settings.CACHES:
        return [_unknown_alias("BLACKLIST_CACHE_ALIAS", alias, "restflow_authentication.E006")]
    return [*_losing_cache(alias), *_shared_cache(alias)]


_SAFE_CHOICES = (
    "Use ModelBlacklistBackend (the default), or a Redis cache alias of its own whose server "
    "runs maxmemory-policy noeviction"
)


def _severity(problem: str, error_id: str, warning_id: str, hint: str) -> checks.CheckMessage:
    """An Error outside DEBUG, a Warning (saying so) in DEBUG."""
    if settings.DEBUG:
        return checks.Warning(
            f"{problem} (a warning while DEBUG is on; an error otherwise).",
            hint=hint,
            id=warning_id,
        )
    return checks.Error(f"{problem}.", hint=hint, id=error_id)


def _losing_cache(alias: str) -> list[checks.CheckMessage]:
    kind = cache_kind(alias)
    if kind in (Kind.REDIS, Kind.OTHER):
        return []
    if kind is Kind.LOCMEM and jwt_settings.BLACKLIST_ALLOW_LOCMEM:
        return []
    hint = _SAFE_CHOICES + "."
    if kind is Kind.LOCMEM:
        hint = (
            f"{_SAFE_CHOICES}. A single-process deployment may keep revocations in its "
            f"own memory: set {_WHERE}['BLACKLIST_ALLOW_LOCMEM'] = True."
        )
    problem = (
        f"CacheBlacklistBackend keeps revocations in the cache {alias!r}, which can lose "
        f"them: {kind.value}, and a revoked token is then accepted again"
    )
    return [
        _severity(problem, "restflow_authentication.E007", "restflow_authentication.W001", hint)
    ]


def _shared_cache(alias: str) -> list[checks.CheckMessage]:
    sharing = [writer.what for writer in client_filled_caches() if writer.alias == alias]
    if not sharing:
        return []
    problem = (
        f"CacheBlacklistBackend keeps revocations in the cache {alias!r}, which also holds "
        f"{'; '.join(sharing)}: entries anyone's requests create crowd revocations out of a "
        "culling or evicting cache, and clearing that cache clears them"
    )
    hint = f"{_SAFE_CHOICES} (not shared with response caches, sessions or throttles)."
    return [
        _severity(problem, "restflow_authentication.E008", "restflow_authentication.W002", hint)
    ]


_COUNTING_FLAWS = {
    Kind.LOCMEM: "counts per process (each worker allows the whole rate) and culls counters at "
    "MAX_ENTRIES, which a flood of usernames forces",
    Kind.CULLING: "its incr is a get then a set (concurrent attempts are lost) and it culls "
    "counters at MAX_ENTRIES",
    Kind.DUMMY: "nothing is kept, so logins are not limited",
}


@honour_former_ids(FORMER_IDS)
def check_login_throttle(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """E009, E010, W003, W004: the login throttle's rates and the cache it counts in."""
    if not _section_is_valid():
        return []
    errors: list[checks.CheckMessage] = []
    for throttle in LOGIN_THROTTLES:
        rate = login_throttle_rate(throttle.scope, throttle.default_rate)
        try:
            if rate is not None:
                parse_rate(rate)
        except ValueError as exc:
            errors.append(
                checks.Error(
                    f"REST_FRAMEWORK['DEFAULT_THROTTLE_RATES'][{throttle.scope!r}]: {exc}.",
                    hint=f"Use '<count>/<period>' (default {throttle.default_rate!r}); None "
                    "turns this login limit off.",
                    id="restflow_authentication.E010",
                )
            )
    if errors or not login_throttling_enabled():
        return errors
    alias = jwt_settings.LOGIN_THROTTLE_CACHE_ALIAS
    if alias not in settings.CACHES:
        return [_unknown_alias("LOGIN_THROTTLE_CACHE_ALIAS", alias, "restflow_authentication.E009")]
    if settings.DEBUG:
        return []
    where = f"The login throttle counts attempts in the cache {alias!r}"
    warnings: list[checks.CheckMessage] = []
    sharing = [w.what for w in client_filled_caches() if w.responses and w.alias == alias]
    if sharing:
        warnings.append(
            checks.Warning(
                f"{where}, which also holds {'; '.join(sharing)}: responses anyone can "
                "request crowd out the counters, and the limits start again from zero.",
                hint=f"Point {_WHERE}['LOGIN_THROTTLE_CACHE_ALIAS'] at a cache of its own.",
                id="restflow_authentication.W003",
            )
        )
    flaw = _COUNTING_FLAWS.get(cache_kind(alias))
    if flaw is not None:
        warnings.append(
            checks.Warning(
                f"{where}, where {flaw}.",
                hint=f"Point {_WHERE}['LOGIN_THROTTLE_CACHE_ALIAS'] at a cache shared by "
                "every worker with an atomic incr: Redis or Memcached.",
                id="restflow_authentication.W004",
            )
        )
    return warnings


@honour_former_ids(FORMER_IDS)
def check_user_id_field(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """E005: ``USER_ID_FIELD`` names a unique, non-secret field of the user model; E011: it is
    in ``USER_ID_FIELD_ALLOWLIST``."""
    if not _section_is_valid():
        return []
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
                id="restflow_authentication.E005",
            )
        ]
    allowlist = tuple(jwt_settings.USER_ID_FIELD_ALLOWLIST)
    if field_name not in allowlist:
        return [
            checks.Error(
                f"{_WHERE}['USER_ID_FIELD'] is {field_name!r}, which is not in "
                f"USER_ID_FIELD_ALLOWLIST {allowlist!r}: tokens must name the user by a stable, "
                "non-secret identifier.",
                hint="Use an allowed field, or add this one to USER_ID_FIELD_ALLOWLIST.",
                id="restflow_authentication.E011",
            )
        ]
    return []
