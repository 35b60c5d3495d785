"""``CacheBlacklistBackend``: revoked ids in a Django cache, each expiring with its token."""

from __future__ import annotations

import math
from typing import Any

from django.core.cache import caches

from restflow.asynccache import AsyncCache, async_cache
from restflow.authentication import _clock
from restflow.authentication._cache_safety import Kind, backend_kind
from restflow.authentication.blacklist.base import BlacklistBackend
from restflow.authentication.settings import jwt_settings

__all__ = ["CacheBlacklistBackend", "is_local_memory_cache", "is_redis_cache"]


def is_redis_cache(cache: Any) -> bool:
    """Whether ``cache`` is Django's or django-redis's Redis cache (or a subclass).

    Deprecated: ``restflow.asynccache.async_cache(alias).mode`` says how an alias is reached.
    """
    return backend_kind(type(cache)) is Kind.REDIS


def is_local_memory_cache(cache: Any) -> bool:
    """Whether ``cache`` is per-process memory (LocMem): revocations do not reach other workers.

    Deprecated: ``restflow.asynccache.async_cache(alias).in_process`` says whether an alias
    does no I/O.
    """
    return backend_kind(type(cache)) is Kind.LOCMEM


class CacheBlacklistBackend(BlacklistBackend):
    """Entries in ``caches[BLACKLIST_CACHE_ALIAS]``, each living until ``exp + LEEWAY`` (+1 s).

    The cache is reached through :func:`restflow.asynccache.async_cache`: on the
    async path a LocMem cache is read on the event loop and a Redis cache
    (Django's ``RedisCache`` or django-redis) through ``redis.asyncio``, so
    checking a token costs no thread hop; other caches go through Django's
    async cache API. ``add`` is the cache's atomic ``add`` (``SET NX`` on
    Redis). A per-process LocMem cache does not share revocations between
    workers: a system check warns.
    """

    def __init__(self, alias: str | None = None, key_prefix: str | None = None) -> None:
        self.alias = alias if alias is not None else jwt_settings.BLACKLIST_CACHE_ALIAS
        self.key_prefix = (
            key_prefix if key_prefix is not None else jwt_settings.BLACKLIST_KEY_PREFIX
        )

    @property
    def cache(self) -> Any:
        """The Django cache holding the entries."""
        return caches[self.alias]

    @property
    def _store(self) -> AsyncCache:
        # looked up per call: async_cache() decides once per alias and forgets on CACHES changes
        return async_cache(self.alias)

    def key(self, jti: str) -> str:
        """The cache key (before the cache's own prefix and version) for ``jti``."""
        return self.key_prefix + jti

    def _timeout(self, expires_at: float) -> int:
        return max(1, math.ceil(self.keep_until(expires_at) - _clock.now()))

    def add(self, jti: str, expires_at: float) -> bool:
        """Revoke ``jti`` until :meth:`keep_until` with the cache's atomic ``add``."""
        return self._store.add(self.key(jti), 1, self._timeout(expires_at))

    def contains(self, jti: str) -> bool:
        """Whether ``jti`` is revoked."""
        return self._store.has_key(self.key(jti))

    async def aadd(self, jti: str, expires_at: float) -> bool:
        """Async twin of :meth:`add` (no thread hop on LocMem or Redis)."""
        return await self._store.aadd(self.key(jti), 1, self._timeout(expires_at))

    async def acontains(self, jti: str) -> bool:
        """Async twin of :meth:`contains` (no thread hop on LocMem or Redis)."""
        return await self._store.ahas_key(self.key(jti))
