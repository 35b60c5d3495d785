"""Atomic fixed-window hit counters on Django cache backends, one strategy per backend class.

``hit(cache, key, ttl)`` adds one to the counter ``key`` (created with the
given ``ttl`` in seconds) and returns its new value; ``ahit`` is the async twin. Each
hit is one atomic increment, so concurrent requests never lose a count.

- In-process backends (LocMem, Dummy) do no I/O: the async path calls their
  sync methods on the event loop. Django's own ``aadd``/``aincr`` would pay
  a thread hop for nothing.
- Django's ``RedisCache``: ``SET key 0 EX t NX`` and ``INCR key`` in one
  pipeline (one round trip), on restflow's own redis-py clients built from the
  cache's first server and ``OPTIONS`` (:func:`_new_client`): one for the sync
  path, one per event loop for the async path.
- Any other backend: ``incr``, falling back to ``add`` for a new window. As
  atomic as the backend's ``incr`` (Memcached: yes; database/file: no). Its
  async path awaits native ``aincr``/``aadd`` when the backend has them and
  otherwise runs the sync hit in one thread hop.
"""

from __future__ import annotations

import asyncio
import re
import weakref
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.core.signals import setting_changed

from restflow.throttling._compat import redis, redis_asyncio
from restflow.throttling._fastpaths import redis_location

_Clients = dict[tuple[Any, ...], Any]

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

    def hit(self, cache: BaseCache, key: str, ttl: int, alias: str | None = None) -> int:
        """Add one to ``key`` and return the new count (``alias``: the cache's, when known)."""
        return _hit_with_incr(cache, key, ttl)

    async def ahit(self, cache: BaseCache, key: str, ttl: int, alias: str | None = None) -> int:
        """Async twin of :meth:`hit`."""
        if type(cache).aincr is BaseCache.aincr:  # Django's default: a thread hop per call
            return await _in_a_thread(self.hit, cache, key, ttl, alias)
        return await _ahit_with_aincr(cache, key, ttl)


async def _in_a_thread(hit: Any, cache: BaseCache, key: str, ttl: int, alias: str | None) -> int:
    return int(await sync_to_async(hit, thread_sensitive=True)(cache, key, ttl, alias))


class InProcessCounter(Counter):
    """LocMem/Dummy: no I/O, so the async path runs the sync hit on the loop."""

    in_process = True

    async def ahit(self, cache: BaseCache, key: str, ttl: int, alias: str | None = None) -> int:
        return _hit_with_incr(cache, key, ttl)


_Location = tuple[str, dict[str, Any]]
# (location, its identity for the client memo), or None, per alias and per cache object
_Found = tuple[_Location, tuple[Any, ...]] | None
_BY_ALIAS: dict[str, _Found] = {}
_BY_OBJECT: weakref.WeakKeyDictionary[BaseCache, _Found] = weakref.WeakKeyDictionary()


def _settings_location(alias: str) -> _Location | None:
    config = settings.CACHES.get(alias) or {}
    servers = config.get("LOCATION") or ""
    if isinstance(servers, str):
        servers = re.split("[;,]", servers)
    if not servers or not isinstance(servers[0], str):
        return None
    return servers[0], dict(config.get("OPTIONS") or {})


def _found(location: _Location | None) -> _Found:
    if location is None:
        return None
    server, options = location
    return location, (server, tuple(sorted((name, repr(v)) for name, v in options.items())))


def _location(cache: BaseCache, alias: str | None) -> _Found:
    """A ``RedisCache``'s first server and ``OPTIONS``, with their identity (``None``: unknown).

    Read from ``settings.CACHES[alias]``; for a cache object (no alias), from the
    object itself when that fast path is on (``_fastpaths.py``). Remembered
    until ``CACHES`` changes.
    """
    if alias is not None:
        if alias not in _BY_ALIAS:
            _BY_ALIAS[alias] = _found(_settings_location(alias))
        return _BY_ALIAS[alias]
    if cache not in _BY_OBJECT:
        _BY_OBJECT[cache] = _found(redis_location(cache))
    return _BY_OBJECT[cache]


def _new_client(location: _Location, *, is_async: bool) -> Any:
    """A redis-py client (``redis.asyncio`` for the async path) on ``location``, or ``None``.

    The one place throttling builds Redis clients. ``None`` when redis-py is
    missing, or when ``OPTIONS`` names a ``pool_class``/``parser_class``: their
    client is Django's to build.
    """
    server, options = location
    module = redis_asyncio if is_async else redis
    if module is None or {"pool_class", "parser_class"} & options.keys():
        return None
    # ``serializer`` is Django's value serializer, not a connection option
    return module.Redis.from_url(server, **{k: v for k, v in options.items() if k != "serializer"})


class RedisCounter(Counter):
    """Django's ``RedisCache``: one pipelined round trip per hit, native async client."""

    def __init__(self) -> None:
        self._sync_clients: dict[tuple[Any, ...], Any] = {}
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Clients] = (
            weakref.WeakKeyDictionary()
        )

    def hit(self, cache: BaseCache, key: str, ttl: int, alias: str | None = None) -> int:
        client = self._client(self._sync_clients, cache, alias, is_async=False)
        if client is None:
            return _hit_with_incr(cache, key, ttl)
        key = cache.make_and_validate_key(key)
        pipe = client.pipeline(transaction=False)
        pipe.set(key, 0, ex=ttl, nx=True)
        pipe.incr(key)
        return int(pipe.execute()[1])

    async def ahit(self, cache: BaseCache, key: str, ttl: int, alias: str | None = None) -> int:
        loop = asyncio.get_running_loop()
        per_loop = self._clients.get(loop)
        if per_loop is None:
            per_loop = self._clients[loop] = {}
        client = self._client(per_loop, cache, alias, is_async=True)
        if client is None:
            return await _in_a_thread(self.hit, cache, key, ttl, alias)
        key = cache.make_and_validate_key(key)
        pipe = client.pipeline(transaction=False)
        pipe.set(key, 0, ex=ttl, nx=True)
        pipe.incr(key)
        return int((await pipe.execute())[1])

    def _client(
        self, clients: _Clients, cache: BaseCache, alias: str | None, is_async: bool
    ) -> Any:
        found = _location(cache, alias)
        if found is None:
            return None
        location, ident = found
        if ident not in clients:
            clients[ident] = _new_client(location, is_async=is_async)
        return clients[ident]

    def forget_sync_clients(self) -> None:
        """Drop the sync clients (``CACHES`` changed); their connections close when freed."""
        self._sync_clients.clear()

    async def aclose(self) -> None:
        """Close the async clients of the running loop (tests and shutdown hooks)."""
        per_loop = self._clients.pop(asyncio.get_running_loop(), {})
        for client in per_loop.values():
            if client is not None:
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
        _BY_ALIAS.clear()
        _BY_OBJECT.clear()
        REDIS_COUNTER.forget_sync_clients()


setting_changed.connect(_forget_caches, dispatch_uid="restflow.throttling.forget_caches")
