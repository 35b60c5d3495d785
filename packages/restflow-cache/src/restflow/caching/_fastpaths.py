"""restflow-cache's only reads of another library's private internals, each with a public fall-back.

- **LocMem hit** (:func:`locmem_get`): reads an entry of Django's ``LocMemCache`` under its
  lock, as ``LocMemCache.get`` does, without its per-call key validation and method layers.
  Ablation (the function-hit part of ``scripts/bench/cache_hit.py``, both paths interleaved
  in one run): a sync hit is 0.68x a hand-written ``cache.get`` with it, 1.43x without (the
  target is 1.3x); an async hit 0.73x against 1.46x. Kept: it halves the hit.

Each path is detected when this module is imported (the internal exists and has the shape
it is read with); when it is missing or different, or when the environment variable
``RESTFLOW_FAST_PATHS=0`` is set (read once, here), callers get ``None`` and use the public
API instead. Tests call both implementations and compare what they return.
"""

from __future__ import annotations

import os
import pickle
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

from django.core.cache import BaseCache
from django.core.cache.backends.base import default_key_func
from django.core.cache.backends.locmem import LocMemCache

__all__ = ["ENABLED", "LOCMEM", "locmem_get"]

ENABLED = os.environ.get("RESTFLOW_FAST_PATHS", "1").strip() != "0"
"""``False`` when ``RESTFLOW_FAST_PATHS=0``: every caller takes the public path."""


def _locmem_has_expected_shape() -> bool:
    probe = LocMemCache("restflow.caching._fastpaths", {})
    return (
        isinstance(getattr(probe, "_cache", None), OrderedDict)
        and isinstance(getattr(probe, "_expire_info", None), dict)
        and callable(getattr(getattr(probe, "_lock", None), "__enter__", None))
    )


_ABSENT: Any = object()

LOCMEM = ENABLED and _locmem_has_expected_shape()
"""Whether :func:`locmem_get` reads LocMemCache's storage directly."""


def locmem_get(cache: BaseCache) -> Callable[[str, Sequence[str]], Any] | None:
    """``get(key, levels)`` of restflow's tuples in ``cache``'s storage, or ``None``: use ``cache.get``.

    A present, unexpired entry is read under the cache's lock and moved to the front (the same
    LRU order as ``LocMemCache.get``); an absent or expired one goes through ``cache.get``,
    which drops it. Values that are not tuples read as ``None``, as in the public store.
    """
    if not LOCMEM or not isinstance(cache, LocMemCache):
        return None
    return _locmem_reader(cache)


def _locmem_reader(cache: LocMemCache) -> Callable[[str, Sequence[str]], Any]:
    data: OrderedDict[str, bytes] = cache._cache  # type: ignore[attr-defined]
    expiry: dict[str, float | None] = cache._expire_info  # type: ignore[attr-defined]
    lock = cache._lock  # type: ignore[attr-defined]
    if cache.key_func is default_key_func:
        make: Callable[[str], str] = f"{cache.key_prefix}:{cache.version}:".__add__
    else:
        make = cache.make_key
    public = cache.get

    def get(key: str, levels: Sequence[str] = ()) -> Any:
        made = make(key)
        with lock:
            expires = expiry.get(made, _ABSENT)
            if expires is _ABSENT:
                return None
            fresh = expires is None or expires > time.time()
            if fresh:
                pickled = data[made]
                data.move_to_end(made, last=False)
        # expired: LocMemCache.get drops it (and reads what another thread may have set since)
        raw = pickle.loads(pickled) if fresh else public(key)
        return raw if isinstance(raw, tuple) else None

    return get
