"""``AsyncCache``: one Django cache alias with sync methods and async twins that hop only when
they must.

The way the async twins reach the cache is decided once per alias (:class:`Mode`):

- ``LOOP``: in-process caches whose sync methods do no I/O (LocMem, Dummy); the twins call
  the cache's public sync methods on the event loop.
- ``REDIS``: Django's ``RedisCache`` and django-redis; the twins speak to the same server
  through a ``redis.asyncio`` client of the running loop, writing exactly what the sync
  cache writes (see :mod:`restflow.asynccache.dialects`).
- ``THREAD``: anything else; the twins are Django's async cache API (one thread hop each;
  one for the ``*_many`` twins too, and for the counter, which never uses ``aincr``).

The sync methods are Django's cache calls in every mode, except where a mode does better
with the same result (the counter on Redis: one round trip).
"""

# ruff: noqa: ASYNC109  # the twins keep Django's cache signatures, `timeout` included

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache, default_key_func

from restflow.asynccache import _fastpaths, plans
from restflow.asynccache.clients import RedisClients
from restflow.asynccache.plans import PrefixScan
from restflow.asynccache.redisconfig import RedisSetup
from restflow.core.hop import run_sync

__all__ = ["AsyncCache", "Mode"]

_ATTEMPTS = 3


class Mode(enum.Enum):
    """How the async twins reach the cache."""

    LOOP = "loop"
    REDIS = "redis"
    THREAD = "thread"


def count_hit(cache: BaseCache, key: str, ttl: int) -> int:
    """Add one to the counter ``key`` of ``cache`` (created for ``ttl`` s) with its own
    ``incr``/``add``: as atomic as the backend's ``incr`` (LocMem, Memcached: yes)."""
    for _ in range(_ATTEMPTS):  # incr first: within a window the counter exists
        try:
            return int(cache.incr(key))
        except ValueError:  # no counter yet for this window
            pass
        if cache.add(key, 1, ttl):
            return 1
    return 1  # a cache that keeps nothing (Dummy): every request is the first


class AsyncCache:
    """A Django cache alias: Django's cache methods, async twins, an atomic counter.

    Get one with :func:`restflow.asynccache.async_cache`. Keys and timeouts mean what
    they mean to Django's cache API (``timeout=None``: never expires); values are stored
    as the cache stores them, so the sync and async sides read each other's writes.
    This class is the ``THREAD`` mode; the other modes override the async twins.
    """

    mode = Mode.THREAD
    scans = False
    """Whether :meth:`delete_prefix` can list keys (Redis with Django's key function)."""

    def __init__(self, alias: str | None, cache: BaseCache | None = None, reason: str = "") -> None:
        self.alias = alias
        self._instance = cache
        self.reason = reason
        """Why this mode was chosen, when it is not the natural one for the backend."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} alias={self.alias!r} mode={self.mode.value}>"

    @property
    def in_process(self) -> bool:
        """Whether the cache does no I/O (the sync methods may be called on the loop)."""
        return self.mode is Mode.LOOP

    @property
    def cache(self) -> BaseCache:
        """The Django cache (``caches[alias]`` of the current thread or task)."""
        return self._instance if self._instance is not None else caches[self.alias]  # type: ignore[index]

    # -- sync ----------------------------------------------------------------------------

    def get(self, key: str, default: Any = None) -> Any:
        """The value under ``key``, ``default`` when there is none."""
        return self.cache.get(key, default)

    def get_many(self, keys: Iterable[str]) -> dict[str, Any]:
        """The values found for ``keys`` (missing keys are left out)."""
        return self.cache.get_many(keys)

    def set(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT) -> None:
        """Store ``value`` under ``key`` for ``timeout`` seconds."""
        self.cache.set(key, value, timeout)

    def set_many(self, data: dict[str, Any], timeout: Any = DEFAULT_TIMEOUT) -> None:
        """Store every item of ``data``."""
        self.cache.set_many(data, timeout)

    def add(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT) -> bool:
        """Store ``value`` unless ``key`` holds one; whether it did (atomic where the backend's is)."""
        return bool(self.cache.add(key, value, timeout))

    def delete(self, key: str) -> bool:
        """Delete ``key``; whether it was there."""
        return bool(self.cache.delete(key))

    def delete_many(self, keys: Iterable[str]) -> None:
        """Delete every key of ``keys``."""
        self.cache.delete_many(keys)

    def has_key(self, key: str) -> bool:
        """Whether ``key`` holds a value."""
        return bool(self.cache.has_key(key))

    def hit(self, key: str, ttl: int) -> int:
        """Add one to the counter ``key`` and return the count; atomic on LocMem, Redis and
        Memcached. A new counter starts at 1 and lives ``ttl`` seconds (a fixed window:
        later hits do not extend it, except where the backend's ``incr`` is Django's
        generic get-then-set — file, database — which re-stores it with the default timeout)."""
        return count_hit(self.cache, key, ttl)

    def delete_if_equal(self, key: str, value: Any) -> bool:
        """Delete ``key`` only while it holds ``value``; whether it did. Atomic on Redis
        only (elsewhere a read, then a delete)."""
        cache = self.cache
        return cache.get(key) == value and bool(cache.delete(key))

    def delete_prefix(self, scan: PrefixScan) -> int:
        """Delete the keys ``scan`` selects; how many (found, with ``dry_run``). Needs :attr:`scans`."""
        raise NotImplementedError(f"cache {self.alias!r} ({self.mode.value} mode) cannot list keys")

    # -- async ---------------------------------------------------------------------------

    async def aget(self, key: str, default: Any = None) -> Any:
        """Async twin of :meth:`get`."""
        return await self.cache.aget(key, default)

    async def aget_many(self, keys: Iterable[str]) -> dict[str, Any]:
        """Async twin of :meth:`get_many` (one hop; Django's would hop once per key)."""
        return await run_sync(self.get_many, keys)

    async def aset(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT) -> None:
        """Async twin of :meth:`set`."""
        await self.cache.aset(key, value, timeout)

    async def aset_many(self, data: dict[str, Any], timeout: Any = DEFAULT_TIMEOUT) -> None:
        """Async twin of :meth:`set_many` (one hop)."""
        await run_sync(self.set_many, data, timeout)

    async def aadd(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT) -> bool:
        """Async twin of :meth:`add`."""
        return bool(await self.cache.aadd(key, value, timeout))

    async def adelete(self, key: str) -> bool:
        """Async twin of :meth:`delete`."""
        return bool(await self.cache.adelete(key))

    async def adelete_many(self, keys: Iterable[str]) -> None:
        """Async twin of :meth:`delete_many` (one hop)."""
        await run_sync(self.delete_many, keys)

    async def ahas_key(self, key: str) -> bool:
        """Async twin of :meth:`has_key`."""
        return bool(await self.cache.ahas_key(key))

    async def ahit(self, key: str, ttl: int) -> int:
        """Async twin of :meth:`hit` (never Django's ``aincr``: a get then a set)."""
        return await run_sync(self.hit, key, ttl)

    async def adelete_if_equal(self, key: str, value: Any) -> bool:
        """Async twin of :meth:`delete_if_equal`."""
        return await run_sync(self.delete_if_equal, key, value)

    async def adelete_prefix(self, scan: PrefixScan) -> int:
        """Async twin of :meth:`delete_prefix`."""
        return self.delete_prefix(scan)

    def redis_client(self) -> Any:
        """The sync redis-py client on the cache's server (``REDIS`` mode only, else ``TypeError``)."""
        raise TypeError(
            f"cache {self.alias!r} is not reached through redis-py ({self.mode.value} mode)"
        )

    async def aredis_client(self) -> Any:
        """The running loop's ``redis.asyncio`` client on the cache's server (``REDIS`` mode)."""
        return self.redis_client()

    async def aclose(self) -> None:
        """Close what the running loop holds for this cache (nothing but in ``REDIS`` mode)."""

    def close(self) -> None:
        """Close the connections this adapter opened itself (``REDIS`` mode)."""


class LoopCache(AsyncCache):
    """LocMem and Dummy: the twins call the sync methods on the loop, no thread hop."""

    mode = Mode.LOOP

    def __init__(self, alias: str | None, cache: BaseCache) -> None:
        super().__init__(alias, cache)
        reader = _fastpaths.locmem_reader(cache)
        if reader is not None:
            self.get = reader  # type: ignore[method-assign]  # same result, see _fastpaths

    async def aget(self, key: str, default: Any = None) -> Any:
        return self.get(key, default)

    async def aget_many(self, keys: Iterable[str]) -> dict[str, Any]:
        return self.get_many(keys)

    async def aset(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT) -> None:
        self.set(key, value, timeout)

    async def aset_many(self, data: dict[str, Any], timeout: Any = DEFAULT_TIMEOUT) -> None:
        self.set_many(data, timeout)

    async def aadd(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT) -> bool:
        return self.add(key, value, timeout)

    async def adelete(self, key: str) -> bool:
        return self.delete(key)

    async def adelete_many(self, keys: Iterable[str]) -> None:
        self.delete_many(keys)

    async def ahas_key(self, key: str) -> bool:
        return self.has_key(key)

    async def ahit(self, key: str, ttl: int) -> int:
        return self.hit(key, ttl)

    async def adelete_if_equal(self, key: str, value: Any) -> bool:
        return self.delete_if_equal(key, value)


class RedisNativeCache(AsyncCache):
    """Django's ``RedisCache`` and django-redis: the twins use ``redis.asyncio``."""

    mode = Mode.REDIS

    def __init__(self, alias: str, cache: BaseCache, setup: RedisSetup) -> None:
        super().__init__(alias)
        self._dialect = setup.dialect
        self._clients = RedisClients(setup.url, setup.options)
        self.scans = cache.key_func is default_key_func  # the key of a prefix is a prefix

    async def _arun(self, plan: plans.Plan[Any]) -> Any:
        return await plans.arun(await self._clients.aclient(), plan)

    def _run(self, plan: plans.Plan[Any]) -> Any:
        return plans.run(self._clients.sync(), plan)

    def hit(self, key: str, ttl: int) -> int:
        return self._run(plans.hit(self._dialect, key, ttl))  # type: ignore[no-any-return]

    def delete_if_equal(self, key: str, value: Any) -> bool:
        return self._run(plans.delete_if_equal(self._dialect, key, value))  # type: ignore[no-any-return]

    def delete_prefix(self, scan: PrefixScan) -> int:
        if not self.scans:
            return super().delete_prefix(scan)
        return self._run(plans.delete_matching(self._dialect, scan))  # type: ignore[no-any-return]

    async def aget(self, key: str, default: Any = None) -> Any:
        return await self._arun(plans.get(self._dialect, key, default))

    async def aget_many(self, keys: Iterable[str]) -> dict[str, Any]:
        return await self._arun(plans.get_many(self._dialect, keys))  # type: ignore[no-any-return]

    async def aset(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT) -> None:
        await self._arun(plans.set_(self._dialect, key, value, timeout))

    async def aset_many(self, data: dict[str, Any], timeout: Any = DEFAULT_TIMEOUT) -> None:
        await self._arun(plans.set_many(self._dialect, data, timeout))

    async def aadd(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT) -> bool:
        return await self._arun(plans.add(self._dialect, key, value, timeout))  # type: ignore[no-any-return]

    async def adelete(self, key: str) -> bool:
        return await self._arun(plans.delete(self._dialect, key))  # type: ignore[no-any-return]

    async def adelete_many(self, keys: Iterable[str]) -> None:
        await self._arun(plans.delete_many(self._dialect, keys))

    async def ahas_key(self, key: str) -> bool:
        return await self._arun(plans.has_key(self._dialect, key))  # type: ignore[no-any-return]

    async def ahit(self, key: str, ttl: int) -> int:
        return await self._arun(plans.hit(self._dialect, key, ttl))  # type: ignore[no-any-return]

    async def adelete_if_equal(self, key: str, value: Any) -> bool:
        plan = plans.delete_if_equal(self._dialect, key, value)
        return await self._arun(plan)  # type: ignore[no-any-return]

    async def adelete_prefix(self, scan: PrefixScan) -> int:
        if not self.scans:
            return super().delete_prefix(scan)
        return await self._arun(plans.delete_matching(self._dialect, scan))  # type: ignore[no-any-return]

    def redis_client(self) -> Any:
        return self._clients.sync()

    async def aredis_client(self) -> Any:
        return await self._clients.aclient()

    async def aclose(self) -> None:
        await self._clients.aclose()

    def close(self) -> None:
        self._clients.close()
