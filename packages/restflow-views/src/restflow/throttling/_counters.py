"""Atomic fixed-window hit counters on Django cache backends, one strategy per backend class.

``hit(cache, key, ttl)`` adds one to the counter ``key`` (created with the
given ``ttl`` in seconds) and returns its new value; ``ahit`` is the async twin. Each
hit is one atomic increment, so concurrent requests never lose a count.

- In-process backends (LocMem, Dummy) do no I/O: the async path calls their
  sync methods on the event loop. Django's own ``aadd``/``aincr`` would pay
  a thread hop for nothing.
- Django's ``RedisCache``: ``SET key 0 EX t NX`` and ``INCR key`` in one
  pipeline (one round trip); the async path uses ``redis.asyncio`` with a
  client per event loop.
- Any other backend: ``incr``, falling back to ``add`` for a new window. As
  atomic as the backend's ``incr`` (Memcached: yes; database/file: no). Its
  async path awaits native ``aincr``/``aadd`` when the backend has them and
  otherwise runs the sync hit in one thread hop.
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Any

from asgiref.sync import sync_to_async
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.core.signals import setting_changed

from restflow.throttling import _compat

__all__ = ["Counter", "cache_for", "counter_for"]

_ATTEMPTS = 3


def _hit_with_incr(cache: BaseCache, key: str, ttl: int) -> int:
    # incr first: inside a window the counter exists and one call is enough
    for _ in range(_ATTEMPTS):
        try:
            return int(cache.incr(key))
        except ValueError:  # no counter yet for this window
            pass
        if cache.add(key, 1, ttl):
            return 1
    # The counter vanished between add and incr three times over: only a cache
    # that keeps nothing (a dummy) does that; count the request as the first.
    return 1


async def _ahit_with_aincr(cache: BaseCache, key: str, ttl: int) -> int:
    for _ in range(_ATTEMPTS):
        try:
            return int(await cache.aincr(key))
        except ValueError:
            pass
        if await cache.aadd(key, 1, ttl):
            return 1
    return 1


class Counter:
    """Counts on any Django cache through ``incr``/``add``."""

    #: the backend does no I/O: async callers may call :meth:`hit` on the loop
    in_process = False

    def hit(self, cache: BaseCache, key: str, ttl: int) -> int:
        """Add one to ``key`` and return the new count."""
        return _hit_with_incr(cache, key, ttl)

    async def ahit(self, cache: BaseCache, key: str, ttl: int) -> int:
        """Async twin of :meth:`hit`."""
        if type(cache).aincr is BaseCache.aincr:  # Django's default: a thread hop per call
            return int(await sync_to_async(self.hit, thread_sensitive=True)(cache, key, ttl))
        return await _ahit_with_aincr(cache, key, ttl)


class InProcessCounter(Counter):
    """LocMem/Dummy: no I/O, so the async path runs the sync hit on the loop."""

    in_process = True

    async def ahit(self, cache: BaseCache, key: str, ttl: int) -> int:
        return _hit_with_incr(cache, key, ttl)


_AsyncClients = dict[tuple[Any, ...], Any]


class RedisCounter(Counter):
    """Django's ``RedisCache``: one pipelined round trip per hit, native async client."""

    def __init__(self) -> None:
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _AsyncClients] = (
            weakref.WeakKeyDictionary()
        )

    def hit(self, cache: BaseCache, key: str, ttl: int) -> int:
        get_client = getattr(getattr(cache, "_cache", None), "get_client", None)
        if get_client is None:  # not the RedisCacheClient this was written for
            return _hit_with_incr(cache, key, ttl)
        key = cache.make_and_validate_key(key)
        pipe = get_client(key, write=True).pipeline(transaction=False)
        pipe.set(key, 0, ex=ttl, nx=True)
        pipe.incr(key)
        return int(pipe.execute()[1])

    async def ahit(self, cache: BaseCache, key: str, ttl: int) -> int:
        client = self._async_client(cache)
        if client is None:
            return int(await sync_to_async(self.hit, thread_sensitive=True)(cache, key, ttl))
        key = cache.make_and_validate_key(key)
        pipe = client.pipeline(transaction=False)
        pipe.set(key, 0, ex=ttl, nx=True)
        pipe.incr(key)
        return int((await pipe.execute())[1])

    def _async_client(self, cache: BaseCache) -> Any:
        """The ``redis.asyncio`` client for this loop and server, or ``None`` if unusable."""
        servers = getattr(cache, "_servers", None)
        options = dict(getattr(cache, "_options", None) or {})
        if _compat.redis_asyncio is None or not servers:
            return None
        if {"pool_class", "parser_class"} & options.keys():
            return None  # sync classes configured: no async equivalent to derive
        options.pop("serializer", None)
        loop = asyncio.get_running_loop()
        per_loop = self._clients.get(loop)
        if per_loop is None:
            per_loop = self._clients[loop] = {}
        ident = (servers[0], tuple(sorted((name, repr(v)) for name, v in options.items())))
        client = per_loop.get(ident)
        if client is None:
            client = per_loop[ident] = _compat.redis_asyncio.Redis.from_url(servers[0], **options)
        return client

    async def aclose(self) -> None:
        """Close the async clients of the running loop (tests and shutdown hooks)."""
        per_loop = self._clients.pop(asyncio.get_running_loop(), {})
        for client in per_loop.values():
            await client.aclose()


_COUNTER = Counter()
_IN_PROCESS = InProcessCounter()
REDIS_COUNTER = RedisCounter()
_BY_CLASS: dict[type, Counter] = {}


def counter_for(cache: BaseCache) -> Counter:
    """The counting strategy for ``cache``'s backend class (decided once per class)."""
    cls = type(cache)
    counter = _BY_CLASS.get(cls)
    if counter is None:
        counter = _BY_CLASS[cls] = _decide(cls)
    return counter


def _decide(cls: type) -> Counter:
    if issubclass(cls, (LocMemCache, DummyCache)):
        return _IN_PROCESS
    if issubclass(cls, RedisCache):
        return REDIS_COUNTER
    return _COUNTER


# In-process caches hold no connection and share their storage (and lock) by
# name across instances, so one instance per alias serves every thread and
# task; this spares ``caches[alias]``'s context-local lookup per request.
_SHARED_CACHES: dict[str, BaseCache] = {}


def cache_for(alias: str) -> BaseCache:
    """``caches[alias]``, reusing one instance per alias for in-process backends."""
    cache = _SHARED_CACHES.get(alias)
    if cache is None:
        cache = caches[alias]
        if counter_for(cache).in_process:
            _SHARED_CACHES[alias] = cache
    return cache


def _forget_caches(*, setting: str, **kwargs: Any) -> None:
    if setting == "CACHES":
        _SHARED_CACHES.clear()


setting_changed.connect(_forget_caches, dispatch_uid="restflow.throttling.forget_caches")
