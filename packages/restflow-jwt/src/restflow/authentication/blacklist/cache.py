"""``CacheBlacklistBackend``: revoked ids in a Django cache, each expiring with its token."""

from __future__ import annotations

import asyncio
import enum
import math
import weakref
from typing import Any

from django.conf import settings
from django.core.cache import caches

from restflow.authentication import _clock, _compat
from restflow.authentication.blacklist.base import BlacklistBackend
from restflow.authentication.settings import jwt_settings

__all__ = ["CacheBlacklistBackend", "is_local_memory_cache", "is_redis_cache"]

_REDIS_CACHES = frozenset(
    {"django.core.cache.backends.redis.RedisCache", "django_redis.cache.RedisCache"}
)
_LOOP_SAFE_CACHES = frozenset(
    {
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
    }
)


def _mro_names(cache: Any) -> set[str]:
    return {f"{klass.__module__}.{klass.__qualname__}" for klass in type(cache).__mro__}


def is_redis_cache(cache: Any) -> bool:
    """Whether ``cache`` is Django's or django-redis's Redis cache (or a subclass)."""
    return not _REDIS_CACHES.isdisjoint(_mro_names(cache))


def is_local_memory_cache(cache: Any) -> bool:
    """Whether ``cache`` is per-process memory (LocMem): revocations do not reach other workers."""
    return "django.core.cache.backends.locmem.LocMemCache" in _mro_names(cache)


class _Mode(enum.Enum):
    LOOP = "loop"  # in-process memory: the sync call does not block
    REDIS = "redis"  # a native asyncio Redis client on the same server
    THREAD = "thread"  # anything else: Django's async cache API (a thread hop)


class CacheBlacklistBackend(BlacklistBackend):
    """Entries in ``caches[BLACKLIST_CACHE_ALIAS]``, each living until ``exp + LEEWAY`` (+1 s).

    On the async path a LocMem cache is read on the event loop and a Redis
    cache (Django's ``RedisCache`` or django-redis) through ``redis.asyncio``
    on the cache's first ``LOCATION``, so checking a token costs no thread
    hop; other caches go through Django's async cache API. ``add`` uses the
    cache's atomic ``add`` (``SET NX`` on Redis). A per-process LocMem cache
    does not share revocations between workers: a system check warns.
    """

    def __init__(self, alias: str | None = None, key_prefix: str | None = None) -> None:
        self.alias = alias if alias is not None else jwt_settings.BLACKLIST_CACHE_ALIAS
        self.key_prefix = (
            key_prefix if key_prefix is not None else jwt_settings.BLACKLIST_KEY_PREFIX
        )
        self._mode: _Mode | None = None
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Any] = (
            weakref.WeakKeyDictionary()
        )

    @property
    def cache(self) -> Any:
        """The Django cache holding the entries."""
        return caches[self.alias]

    def key(self, jti: str) -> str:
        """The cache key (before the cache's own prefix and version) for ``jti``."""
        return self.key_prefix + jti

    def _timeout(self, expires_at: float) -> int:
        return max(1, math.ceil(self.keep_until(expires_at) - _clock.now()))

    def add(self, jti: str, expires_at: float) -> bool:
        """Revoke ``jti`` until :meth:`keep_until` with the cache's atomic ``add``."""
        return bool(self.cache.add(self.key(jti), 1, self._timeout(expires_at)))

    def contains(self, jti: str) -> bool:
        """Whether ``jti`` is revoked."""
        return bool(self.cache.has_key(self.key(jti)))

    async def aadd(self, jti: str, expires_at: float) -> bool:
        """Async twin of :meth:`add` (no thread hop on LocMem or Redis)."""
        mode = self._mode or self._decide()
        if mode is _Mode.LOOP:
            return self.add(jti, expires_at)
        if mode is _Mode.REDIS:
            cache = self.cache
            full_key = cache.make_and_validate_key(self.key(jti))
            client = self._redis_client()
            return bool(await client.set(full_key, 1, nx=True, ex=self._timeout(expires_at)))
        return bool(await self.cache.aadd(self.key(jti), 1, self._timeout(expires_at)))

    async def acontains(self, jti: str) -> bool:
        """Async twin of :meth:`contains` (no thread hop on LocMem or Redis)."""
        mode = self._mode or self._decide()
        if mode is _Mode.LOOP:
            return self.contains(jti)
        if mode is _Mode.REDIS:
            full_key = self.cache.make_and_validate_key(self.key(jti))
            return bool(await self._redis_client().exists(full_key))
        return bool(await self.cache.ahas_key(self.key(jti)))

    # -- how the async path reaches the cache, decided once -----------------------

    def _decide(self) -> _Mode:
        cache = self.cache
        names = _mro_names(cache)
        if not _LOOP_SAFE_CACHES.isdisjoint(names):
            mode = _Mode.LOOP
        elif (
            not _REDIS_CACHES.isdisjoint(names)
            and self._location() is not None
            and _compat.redis_asyncio() is not None
        ):
            mode = _Mode.REDIS
        else:
            mode = _Mode.THREAD
        self._mode = mode
        return mode

    def _location(self) -> str | None:
        location = settings.CACHES.get(self.alias, {}).get("LOCATION")
        if isinstance(location, str):
            location = location.split(",")
        if not location:
            return None
        first = str(location[0]).strip()
        return first if "://" in first else None

    def _redis_client(self) -> Any:
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            module = _compat.redis_asyncio()
            assert module is not None
            client = self._clients[loop] = module.Redis.from_url(self._location())
        return client
