"""What a cache alias can be trusted with, for the system checks: does it keep entries, who fills it.

Read from settings and backend classes only: nothing is instantiated or
connected, and restflow-cache and restflow-views are never imported (their
settings and throttle attributes are read as plain values).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.utils.module_loading import import_string
from rest_framework.settings import api_settings

from restflow.authentication.settings import jwt_settings
from restflow.authentication.throttling import login_throttling_enabled
from restflow.settings import given_section

__all__ = ["Kind", "Writer", "backend_kind", "cache_kind", "client_filled_caches"]


class Kind(enum.Enum):
    """How a cache backend keeps entries; ``value`` says what goes wrong, for messages."""

    LOCMEM = "LocMemCache is per process (other workers never see its entries) and culls the oldest third when it reaches MAX_ENTRIES (300 by default)"
    CULLING = "it culls entries when it reaches MAX_ENTRIES (300 by default)"
    EVICTING = "Memcached evicts the least recently used entries when its memory is full"
    DUMMY = "DummyCache keeps nothing"
    REDIS = "Redis keeps entries unless its maxmemory-policy evicts them"
    OTHER = "an unknown backend"


_KINDS = (
    ("django.core.cache.backends.locmem.LocMemCache", Kind.LOCMEM),
    ("django.core.cache.backends.filebased.FileBasedCache", Kind.CULLING),
    ("django.core.cache.backends.db.DatabaseCache", Kind.CULLING),
    ("django.core.cache.backends.memcached.BaseMemcachedCache", Kind.EVICTING),
    ("django.core.cache.backends.dummy.DummyCache", Kind.DUMMY),
    ("django.core.cache.backends.redis.RedisCache", Kind.REDIS),
    ("django_redis.cache.RedisCache", Kind.REDIS),
)


def cache_kind(alias: str) -> Kind:
    """The :class:`Kind` of ``CACHES[alias]``'s backend class (subclasses included)."""
    path = settings.CACHES.get(alias, {}).get("BACKEND", "")
    try:
        backend = import_string(path)
    except ImportError:
        return Kind.OTHER  # Django's own cache checks report a backend that does not import
    return backend_kind(backend)


def backend_kind(backend: type) -> Kind:
    """The :class:`Kind` of a cache backend class (subclasses included), found by class path."""
    names = {f"{klass.__module__}.{klass.__qualname__}" for klass in backend.__mro__}
    for name, kind in _KINDS:
        if name in names:
            return kind
    return Kind.OTHER


@dataclass(frozen=True)
class Writer:
    """Something that fills a cache alias with entries whose keys clients choose."""

    alias: str
    what: str
    #: whole responses keyed by URL and headers: the fastest way to fill a cache
    responses: bool = False


def client_filled_caches() -> list[Writer]:
    """The cache aliases that anyone's requests fill, and what fills them.

    restflow-cache's responses (``RESTFLOW_SETTINGS["CACHE"]["CACHE_ALIAS"]``,
    or under the old name ``CACHE_SETTINGS``; ``"default"`` when only the app
    is installed), Django's
    cache middleware, cached sessions, the throttles of
    ``DEFAULT_THROTTLE_CLASSES`` (their ``cache_alias``; DRF's use
    ``"default"``) and restflow-jwt's login throttle. Throttles and caches
    that views declare themselves are not visible here.
    """
    writers = _response_caches()
    if settings.SESSION_ENGINE in (
        "django.contrib.sessions.backends.cache",
        "django.contrib.sessions.backends.cached_db",
    ):
        writers.append(
            Writer(settings.SESSION_CACHE_ALIAS, "cached sessions (SESSION_CACHE_ALIAS)")
        )
    for throttle in _default_throttles():
        alias = getattr(throttle, "cache_alias", None)
        name = getattr(throttle, "__qualname__", repr(throttle))
        writers.append(
            Writer(
                alias if isinstance(alias, str) else "default",
                f"the counters of {name} (DEFAULT_THROTTLE_CLASSES)",
            )
        )
    if login_throttling_enabled():
        writers.append(
            Writer(
                jwt_settings.LOGIN_THROTTLE_CACHE_ALIAS,
                "the login throttle's counters (LOGIN_THROTTLE_CACHE_ALIAS)",
            )
        )
    return writers


def _response_caches() -> list[Writer]:
    writers = []
    section = given_section("CACHE")
    if section is not None or apps.is_installed("restflow.caching"):
        alias = section.get("CACHE_ALIAS", "default") if section is not None else "default"
        writers.append(
            Writer(
                str(alias),
                "restflow-cache's cached responses and results "
                "(RESTFLOW_SETTINGS['CACHE']['CACHE_ALIAS'])",
                responses=True,
            )
        )
    middleware = {
        "django.middleware.cache.UpdateCacheMiddleware",
        "django.middleware.cache.FetchFromCacheMiddleware",
        "django.middleware.cache.CacheMiddleware",
    }
    if not middleware.isdisjoint(settings.MIDDLEWARE):
        writers.append(
            Writer(
                settings.CACHE_MIDDLEWARE_ALIAS,
                "Django's cache middleware (CACHE_MIDDLEWARE_ALIAS)",
                responses=True,
            )
        )
    return writers


def _default_throttles() -> list[Any]:
    try:
        return list(api_settings.DEFAULT_THROTTLE_CLASSES)
    except ImportError:
        return []  # DRF reports the import error on first use
