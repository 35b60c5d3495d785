"""``Store``: a cache alias as restflow uses it (entries, prefix wipes, locks), sync and async.

Every store reaches its cache through :class:`restflow.asynccache.AsyncCache` (restflow-core):
Django's cache methods and their async twins, which run on the event loop for LocMem, through
``redis.asyncio`` for Redis and in a thread otherwise. A store adds what restflow needs on
top: entries are tuples, and how a prefix is wiped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from restflow.asynccache import AsyncCache
from restflow.caching.keys.versions import VersionSweep

__all__ = ["Entry", "Store"]

Entry = tuple[Any, float | None, float, tuple[str, ...] | None]
"""What is stored: ``(value, stale_at, created_at, generations)``."""


class Store:
    """A cache alias as restflow uses it; subclasses say how prefixes are wiped."""

    scans = True
    """Whether prefix wipes list keys (else generation counters)."""
    inproc = False
    """Whether the entries live in this process (no I/O: the async path calls the sync methods)."""

    def __init__(self, alias: str, cache: AsyncCache) -> None:
        self.alias = alias
        self.cache = cache

    # --- entries -------------------------------------------------------------------------
    def get(self, key: str, levels: Sequence[str] = ()) -> Entry | None:
        """The entry under ``key`` or ``None``."""
        raw = self.cache.get(key)
        return raw if isinstance(raw, tuple) else None

    async def aget(self, key: str, levels: Sequence[str] = ()) -> Entry | None:
        raw = await self.cache.aget(key)
        return raw if isinstance(raw, tuple) else None

    def generations(self, levels: Sequence[str]) -> tuple[str, ...] | None:
        """The current generation tokens of ``levels`` (``None`` where no counters are kept)."""
        return None

    async def agenerations(self, levels: Sequence[str]) -> tuple[str, ...] | None:
        return None

    def set(self, key: str, entry: Entry, expiry: float | None) -> None:
        self.cache.set(key, entry, expiry)

    async def aset(self, key: str, entry: Entry, expiry: float | None) -> None:
        await self.cache.aset(key, entry, expiry)

    def delete(self, key: str) -> bool:
        return self.cache.delete(key)

    async def adelete(self, key: str) -> bool:
        return await self.cache.adelete(key)

    # --- prefixes --------------------------------------------------------------------------
    def delete_prefix(self, prefix: str, *, dry_run: bool = False) -> int:
        """Delete (or, with ``dry_run``, count) every key starting with ``prefix``; -1: unknown."""
        raise NotImplementedError

    async def adelete_prefix(self, prefix: str, *, dry_run: bool = False) -> int:
        return self.delete_prefix(prefix, dry_run=dry_run)

    def delete_versions(self, sweep: VersionSweep, *, dry_run: bool = False) -> int:
        """Delete (or count) the entries ``sweep`` names; -1 when the count is unknown."""
        raise NotImplementedError

    async def adelete_versions(self, sweep: VersionSweep, *, dry_run: bool = False) -> int:
        return self.delete_versions(sweep, dry_run=dry_run)

    # --- locks (stampede protection across processes) ---------------------------------------
    shared_locks = False

    def acquire(self, name: str, token: str, expiry: float) -> bool:
        return True

    async def aacquire(self, name: str, token: str, expiry: float) -> bool:
        return True

    def release(self, name: str, token: str) -> None:
        return None

    async def arelease(self, name: str, token: str) -> None:
        return None
