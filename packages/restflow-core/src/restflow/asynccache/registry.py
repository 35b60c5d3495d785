"""One :class:`AsyncCache` per cache alias, decided once and forgotten when ``CACHES`` changes."""

from __future__ import annotations

import threading
from typing import Any

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.base import BaseCache, InvalidCacheBackendError
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed

from restflow.asynccache.adapter import AsyncCache, LoopCache, RedisNativeCache
from restflow.asynccache.redisconfig import redis_setup

__all__ = ["async_cache", "reset_async_caches", "wrap_cache"]

_IN_PROCESS = (LocMemCache, DummyCache)
_ADAPTERS: dict[str, AsyncCache] = {}
_LOCK = threading.Lock()


def async_cache(alias: str = DEFAULT_CACHE_ALIAS) -> AsyncCache:
    """The :class:`AsyncCache` of ``caches[alias]`` (decided once; ``CACHES`` changes reset it).

    Raises ``ImproperlyConfigured`` naming the alias when ``CACHES`` lacks it.
    """
    adapter = _ADAPTERS.get(alias)
    if adapter is None:
        with _LOCK:
            adapter = _ADAPTERS.get(alias)
            if adapter is None:
                adapter = _ADAPTERS[alias] = _decide(alias)
    return adapter


def wrap_cache(cache: BaseCache) -> AsyncCache:
    """An :class:`AsyncCache` over a cache object that has no alias (``LOOP`` for LocMem and
    Dummy, ``THREAD`` otherwise: a Redis connection is only derived from ``CACHES``)."""
    if isinstance(cache, _IN_PROCESS):
        return LoopCache(None, cache)
    return AsyncCache(None, cache, reason="a cache object without an alias")


def _decide(alias: str) -> AsyncCache:
    try:
        cache = caches[alias]
    except InvalidCacheBackendError as exc:
        raise ImproperlyConfigured(f"cache alias {alias!r} is not in CACHES ({exc})") from exc
    if isinstance(cache, _IN_PROCESS):
        # one instance serves every thread and task: its storage and lock are per name
        return LoopCache(alias, cache)
    setup = redis_setup(alias, cache)
    if isinstance(setup, str):
        return AsyncCache(alias, reason=setup)
    return RedisNativeCache(alias, cache, setup)


def reset_async_caches() -> None:
    """Forget every adapter and close the connections they opened."""
    with _LOCK:
        adapters = list(_ADAPTERS.values())
        _ADAPTERS.clear()
    for adapter in adapters:
        adapter.close()


def _on_setting_changed(*, setting: str, **kwargs: Any) -> None:
    if setting == "CACHES" or setting.startswith("DJANGO_REDIS_"):
        reset_async_caches()


setting_changed.connect(_on_setting_changed, dispatch_uid="restflow.asynccache.reset")
