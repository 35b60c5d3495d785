"""Cache statuses and the ``CACHE_MISSING`` sentinel."""

from __future__ import annotations

import enum
from typing import Final

__all__ = ["CACHE_MISSING", "CacheStatus"]


class CacheStatus(enum.StrEnum):
    """What a cached call did.

    - ``HIT``: a fresh entry was served.
    - ``MISS``: no entry; the function ran and its result was stored.
    - ``STALE``: the entry was past its ``ttl`` but within ``stale_ttl``; the
      old value was served and one background refresh was started.
    - ``BYPASS``: the cache was not read nor written (``bypass_cache``, caching
      disabled, or the backend failed).
    - ``REFRESH``: the function ran unconditionally and its result replaced
      the entry (``refresh``, a rewarm).
    """

    HIT = "HIT"
    MISS = "MISS"
    STALE = "STALE"
    BYPASS = "BYPASS"
    REFRESH = "REFRESH"


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "CACHE_MISSING"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self) -> str:
        return "CACHE_MISSING"


CACHE_MISSING: Final = _Missing()
"""Returned by ``get_cache_only`` when there is no entry (a cached ``None`` is a hit)."""
