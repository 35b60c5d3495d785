"""Where entries live: one small store per way of wiping a prefix.

Every store reaches its cache alias through restflow-core's
:func:`restflow.asynccache.async_cache` (how the async path reaches the cache is decided there,
once per alias).

- **LocMem** (:mod:`~restflow.caching.stores.locmem`) is in-process: read and written without
  a thread hop on the async path too; wipes delete the keys restflow wrote.
- **django-redis** (:mod:`~restflow.caching.stores.redis`), when restflow.asynccache reaches it
  natively (``REDIS`` mode: its default client, Django's key function): the async path speaks
  ``redis.asyncio`` to the same server; prefix wipes use ``SCAN`` + ``UNLINK`` in batches
  (never ``KEYS``).
- **Anything else** (:mod:`~restflow.caching.stores.generations`): generation counters for
  prefix wipes, because these caches cannot list keys.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed

from restflow.asynccache import AsyncCache, Mode, async_cache
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


def _scan_refusal(access: AsyncCache) -> str:
    """Why the keys of ``access`` cannot be listed, or ``""`` when they can."""
    cache = access.cache
    if isinstance(cache, LocMemCache):
        return ""
    if not type(cache).__module__.startswith("django_redis."):
        return "cannot list keys"
    if access.mode is not Mode.REDIS:
        return f"cannot list keys here ({access.reason})"
    if not access.scans:
        return "cannot list keys here (a KEY_FUNCTION of its own)"
    return ""


def get_store(alias: str) -> Store:
    """The store of cache ``alias`` (built once; reset when CACHES or the settings change)."""
    store = _STORES.get(alias)
    if store is not None:
        return store
    _listen()
    try:
        caches[alias]
    except Exception as exc:
        raise ImproperlyConfigured(
            f"restflow-cache: cache alias {alias!r} is not in CACHES ({exc})."
        ) from exc
    access = async_cache(alias)
    cache = access.cache
    strategy = CACHE_SETTINGS.PARTITION_STRATEGY
    refusal = _scan_refusal(access)
    if strategy == "scan" and refusal:
        raise ImproperlyConfigured(
            f"RESTFLOW_SETTINGS['CACHE']['PARTITION_STRATEGY'] is 'scan' but cache {alias!r} "
            f"({type(cache).__module__}.{type(cache).__name__}) {refusal}; use 'auto' or "
            "'generation'."
        )
    if strategy == "generation" or refusal:
        built: Store = GenerationStore(alias, access)
    elif isinstance(cache, LocMemCache):
        built = LocMemStore(alias, access)
    else:
        built = RedisStore(alias, access, CACHE_SETTINGS.SCAN_BATCH_SIZE)
    _STORES[alias] = built
    return built


def reset_stores() -> None:
    """Forget every store (after a settings change; their connections are restflow.asynccache's)."""
    _STORES.clear()
