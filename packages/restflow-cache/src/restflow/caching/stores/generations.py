"""Any Django cache that cannot list keys: prefix wipes through generation counters.

Database, memcached, file, Django's own Redis backend and django-redis setups restflow.asynccache
cannot reach natively (see :mod:`restflow.caching.stores`) cannot list keys. Each
entry records the generation of every prefix above it (namespace, function, each partition); a
wipe replaces the prefix's generation with a fresh random token, so older entries stop matching
and age out by their ttl. A wipe's count is unknown there (``-1``). A previous-versions wipe
replaces the generation of each old version's function prefix
(``namespace::old-version::function-id``), so processes still running the old version miss too.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from restflow.caching.keys.versions import VersionSweep
from restflow.caching.stores.base import Entry, Store

__all__ = ["GEN_SUFFIX", "GenerationStore"]

GEN_SUFFIX = "::!g"


class GenerationStore(Store):
    """Any Django cache; prefix wipes through generation counters (see the module doc)."""

    scans = False

    @staticmethod
    def _counters(levels: Sequence[str]) -> list[str]:
        return [level + GEN_SUFFIX for level in levels]

    def _check(self, raw: Any, tokens: tuple[str, ...] | None) -> Entry | None:
        if not isinstance(raw, tuple) or tokens is None or raw[3] != tokens:
            return None
        return raw

    def get(self, key: str, levels: Sequence[str] = ()) -> Entry | None:
        counters = self._counters(levels)
        found = self.cache.get_many([key, *counters])
        tokens = tuple(found.get(c) for c in counters)
        return self._check(found.get(key), None if None in tokens else tokens)  # type: ignore[arg-type]

    async def aget(self, key: str, levels: Sequence[str] = ()) -> Entry | None:
        counters = self._counters(levels)
        found = await self.cache.aget_many([key, *counters])
        tokens = tuple(found.get(c) for c in counters)
        return self._check(found.get(key), None if None in tokens else tokens)  # type: ignore[arg-type]

    def generations(self, levels: Sequence[str]) -> tuple[str, ...]:
        counters = self._counters(levels)
        found = self.cache.get_many(counters)
        for counter in counters:
            if found.get(counter) is None:
                self.cache.add(counter, os.urandom(8).hex(), None)
                found[counter] = self.cache.get(counter)
        return tuple(found[c] for c in counters)

    async def agenerations(self, levels: Sequence[str]) -> tuple[str, ...]:
        counters = self._counters(levels)
        found = await self.cache.aget_many(counters)
        for counter in counters:
            if found.get(counter) is None:
                await self.cache.aadd(counter, os.urandom(8).hex(), None)
                found[counter] = await self.cache.aget(counter)
        return tuple(found[c] for c in counters)

    def delete_prefix(self, prefix: str, *, dry_run: bool = False) -> int:
        if not dry_run:
            self.cache.set(prefix.removesuffix("::") + GEN_SUFFIX, os.urandom(8).hex(), None)
        return -1

    async def adelete_prefix(self, prefix: str, *, dry_run: bool = False) -> int:
        if not dry_run:
            await self.cache.aset(prefix.removesuffix("::") + GEN_SUFFIX, os.urandom(8).hex(), None)
        return -1

    def _version_counters(self, sweep: VersionSweep) -> dict[str, str]:
        token = os.urandom(8).hex()
        return {head + GEN_SUFFIX: token for head in sweep.heads()}

    def delete_versions(self, sweep: VersionSweep, *, dry_run: bool = False) -> int:
        counters = self._version_counters(sweep)  # ValueError first, even for a dry run
        if not dry_run:
            self.cache.set_many(counters, None)
        return -1

    async def adelete_versions(self, sweep: VersionSweep, *, dry_run: bool = False) -> int:
        counters = self._version_counters(sweep)
        if not dry_run:
            await self.cache.aset_many(counters, None)
        return -1
