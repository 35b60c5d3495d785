"""restflow.asynccache's one private fast path: reading a LocMem cache without re-making and
re-validating the key on every call.

Django's ``LocMemCache.get`` builds the full key and checks it for memcached portability
(a Python loop over its characters) on every call; for a cache hit that is most of the
cost (cache_hit.py's function hits: about twice as slow through ``cache.get``). The
reader here makes and validates each key once through the public
``make_and_validate_key`` (so the same warnings are raised, once per key), then reads
with the cache's own lock, expiry check, delete and pickle — what ``get`` itself does.

It is used only where the cache has the expected shape, checked when an adapter is built
(a ``LocMemCache`` whose ``get`` is not overridden, with ``_cache``/``_expire_info``/``_lock``/
``_delete`` as Django 5.2 and 6 have them); otherwise, and whenever
``RESTFLOW_FAST_PATHS=0`` is set (read once, at import), :func:`locmem_reader` answers
``None`` and the public ``cache.get`` is used. Ablation (the function hits of
``scripts/bench/cache_hit.py`` through restflow-cache, interleaved): ``cache.get`` takes
about 2.0x the time of this reader, sync and async. The expiry is read from ``_expire_info``
as ``_has_expired`` reads it, without that call: about 10% of a read (restflow-cache's hit).
"""

from __future__ import annotations

import pickle
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache

from restflow.core._fastpaths import ENABLED  # the one reading of RESTFLOW_FAST_PATHS

__all__ = ["ENABLED", "LocMemReader", "locmem_reader"]


_KEYS_KEPT = 10_000  # made keys remembered per cache before the memo starts over


def _has_locmem_shape(cache: BaseCache) -> bool:
    return (
        isinstance(cache, LocMemCache)
        and type(cache).get is LocMemCache.get
        and isinstance(getattr(cache, "_cache", None), OrderedDict)
        and isinstance(getattr(cache, "_expire_info", None), dict)
        and hasattr(getattr(cache, "_lock", None), "__enter__")
        and callable(getattr(cache, "_delete", None))
    )


class LocMemReader:
    """``cache.get(key, default)`` of a ``LocMemCache``, each key made and validated once."""

    def __init__(self, cache: LocMemCache) -> None:
        self._make = cache.make_and_validate_key
        self._data: OrderedDict[str, Any] = cache._cache  # type: ignore[attr-defined]
        self._lock = cache._lock  # type: ignore[attr-defined]
        self._expiry: dict[str, float | None] = cache._expire_info  # type: ignore[attr-defined]
        self._delete: Callable[[str], bool] = cache._delete  # type: ignore[attr-defined]
        self._made: dict[str, str] = {}

    def _full_key(self, key: str) -> str:
        if len(self._made) >= _KEYS_KEPT:
            self._made.clear()
        made = self._made[key] = self._make(key)
        return made

    def __call__(self, key: str, default: Any = None) -> Any:
        made = self._made.get(key) or self._full_key(key)
        with self._lock:
            expires = self._expiry.get(made, -1)  # absent: -1, expired as in _has_expired
            if expires is not None and expires <= time.time():
                self._delete(made)
                return default
            pickled = self._data[made]
            self._data.move_to_end(made, last=False)
        return pickle.loads(pickled)


def locmem_reader(cache: BaseCache) -> Callable[..., Any] | None:
    """The fast reader of ``cache``, or ``None``: use ``cache.get``."""
    if ENABLED and _has_locmem_shape(cache):
        return LocMemReader(cache)  # type: ignore[arg-type]
    return None
