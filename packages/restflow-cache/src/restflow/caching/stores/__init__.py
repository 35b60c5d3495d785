"""Where entries live: one small adapter per kind of Django cache backend.

- **LocMem** (:mod:`~restflow.caching.stores.locmem`) is in-process: read and written without
  a thread hop on the async path too; wipes delete the keys restflow wrote.
- **django-redis** (:mod:`~restflow.caching.stores.redis`): the raw redis-py client for sync
  calls, redis-py's asyncio client (same server and database) for async calls; prefix wipes use
  ``SCAN`` + ``UNLINK`` in batches (never ``KEYS``).
- **Anything else** (:mod:`~restflow.caching.stores.generations`): the Django cache API, with
  generation counters for prefix wipes, because these backends cannot list keys.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import BaseCache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed

from restflow.caching.settings import CACHE_SETTINGS
from restflow.caching.stores.base import Entry, Store
from restflow.caching.stores.generations import GenerationStore
from restflow.caching.stores.locmem import LocMemStore
from restflow.caching.stores.redis import RedisStore

__all__ = [
    "Entry",
    "GenerationStore",
    "LocMemStore",
    "RedisStore",
    "Store",
    "current_epoch",
    "get_store",
    "reset_stores",
]

_STORES: dict[str, Store] = {}
_EPOCH = [0]
_LISTENING: list[bool] = []


def current_epoch() -> int:
    """A counter bumped whenever ``CACHES`` or ``RESTFLOW_SETTINGS`` change."""
    return _EPOCH[0]


def _on_setting_changed(setting: str, **kwargs: Any) -> None:
    if setting in ("CACHES", "RESTFLOW_SETTINGS"):
        reset_stores()
        _EPOCH[0] += 1


def _listen() -> None:
    """Follow ``setting_changed`` (tests override settings) from the first store built."""
    if not _LISTENING:
        setting_changed.connect(_on_setting_changed, dispatch_uid="restflow.caching.stores")
        _LISTENING.append(True)


def _is_django_redis(cache: BaseCache) -> bool:
    return type(cache).__module__.startswith("django_redis.") and hasattr(cache, "client")


def get_store(alias: str) -> Store:
    """The store of cache ``alias`` (built once; reset when CACHES or the settings change)."""
    store = _STORES.get(alias)
    if store is not None:
        return store
    _listen()
    try:
        cache = caches[alias]
    except Exception as exc:
        raise ImproperlyConfigured(
            f"restflow-cache: cache alias {alias!r} is not in CACHES ({exc})."
        ) from exc
    strategy = CACHE_SETTINGS.PARTITION_STRATEGY
    scannable = isinstance(cache, LocMemCache) or _is_django_redis(cache)
    if strategy == "scan" and not scannable:
        raise ImproperlyConfigured(
            f"CACHE_SETTINGS.PARTITION_STRATEGY is 'scan' but cache {alias!r} "
            f"({type(cache).__module__}.{type(cache).__name__}) cannot list keys; use 'auto' or "
            "'generation'."
        )
    if strategy == "generation" or not scannable:
        built: Store = GenerationStore(alias, cache)
    elif isinstance(cache, LocMemCache):
        built = LocMemStore(alias, cache)
    else:
        built = RedisStore(alias, cache, CACHE_SETTINGS.SCAN_BATCH_SIZE)
    _STORES[alias] = built
    return built


def reset_stores() -> None:
    """Forget every store (after a settings change)."""
    for store in _STORES.values():
        store.forget_closed_loops()
    _STORES.clear()
