"""restflow.asynccache: Django cache aliases with async twins that hop to a thread only when
they must, an atomic fixed-window counter, and DRF's rate syntax.

``async_cache(alias)`` gives the alias's :class:`AsyncCache`: Django's cache methods
(``get``, ``set``, ``add``, ``delete``, ``has_key``, ``get_many``, ...), their ``a``-prefixed
twins and ``hit``/``ahit``, the atomic counter throttles count with. In-process caches are
used on the event loop, Redis (Django's ``RedisCache`` and django-redis) through
``redis.asyncio``, anything else through Django's async cache API.
"""

from __future__ import annotations

from restflow.asynccache.adapter import AsyncCache, Mode
from restflow.asynccache.plans import PrefixScan
from restflow.asynccache.rates import PERIODS, fixed_window, parse_rate, window_wait
from restflow.asynccache.registry import async_cache, reset_async_caches, wrap_cache

__all__ = [
    "PERIODS",
    "AsyncCache",
    "Mode",
    "PrefixScan",
    "async_cache",
    "fixed_window",
    "parse_rate",
    "reset_async_caches",
    "window_wait",
    "wrap_cache",
]
