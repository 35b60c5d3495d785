"""Redis with key listing: ``SCAN`` + ``UNLINK`` wipes and cross-process stampede locks.

Entries, wipes and locks go through :class:`restflow.asynccache.AsyncCache` in its ``REDIS``
mode (django-redis with its default client, reached natively by ``redis.asyncio`` on the async
path). Prefix wipes use ``SCAN`` + ``UNLINK`` in batches (never ``KEYS``); a stampede lock is a
key added with an expiry (``SET NX PX``) and released by a compare-and-delete script.
"""

from __future__ import annotations

from restflow.asynccache import AsyncCache, PrefixScan
from restflow.caching.keys.versions import VersionSweep
from restflow.caching.stores.base import Store

__all__ = ["RedisStore"]


class RedisStore(Store):
    """A Redis cache whose keys can be listed (see the module doc)."""

    shared_locks = True

    def __init__(self, alias: str, cache: AsyncCache, batch_size: int) -> None:
        super().__init__(alias, cache)
        self._batch = batch_size

    def _prefix(self, prefix: str, dry_run: bool) -> PrefixScan:
        return PrefixScan(prefix, dry_run=dry_run, batch_size=self._batch)

    def _versions(self, sweep: VersionSweep, dry_run: bool) -> PrefixScan:
        return PrefixScan(sweep.prefix, sweep.infix, sweep.matches, dry_run, self._batch)

    def delete_prefix(self, prefix: str, *, dry_run: bool = False) -> int:
        return self.cache.delete_prefix(self._prefix(prefix, dry_run))

    async def adelete_prefix(self, prefix: str, *, dry_run: bool = False) -> int:
        return await self.cache.adelete_prefix(self._prefix(prefix, dry_run))

    def delete_versions(self, sweep: VersionSweep, *, dry_run: bool = False) -> int:
        return self.cache.delete_prefix(self._versions(sweep, dry_run))

    async def adelete_versions(self, sweep: VersionSweep, *, dry_run: bool = False) -> int:
        return await self.cache.adelete_prefix(self._versions(sweep, dry_run))

    def acquire(self, name: str, token: str, expiry: float) -> bool:
        return self.cache.add(name, token, expiry)

    async def aacquire(self, name: str, token: str, expiry: float) -> bool:
        return await self.cache.aadd(name, token, expiry)

    def release(self, name: str, token: str) -> None:
        self.cache.delete_if_equal(name, token)

    async def arelease(self, name: str, token: str) -> None:
        await self.cache.adelete_if_equal(name, token)
