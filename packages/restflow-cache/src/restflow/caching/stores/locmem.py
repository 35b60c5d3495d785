"""Django's ``LocMemCache``: in-process entries, read without a thread hop, wiped by listing keys.

Entries go through :class:`restflow.asynccache.AsyncCache` in its ``LOOP`` mode: the cache's own
``set``/``delete`` (no I/O, so the async path calls them directly), and for hits its LocMem
reader (restflow-core's one fast path: each key made and validated once). LocMemCache
cannot list its keys publicly, so the store records the keys restflow writes to each storage
of the process (:class:`KeyIndex`); prefix and version wipes delete the recorded keys under the
prefix and count those that were still there. Entries other code writes under restflow's
namespace with ``cache.set`` are not recorded, hence not wiped.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.cache import BaseCache

from restflow.asynccache import AsyncCache
from restflow.caching.keys.versions import VersionSweep
from restflow.caching.stores.base import Entry, Store

__all__ = ["KeyIndex", "LocMemStore"]

_INITIAL_LIMIT = 1024


class KeyIndex:
    """The keys restflow wrote to one LocMem storage (``LOCATION``, key prefix and version).

    When it grows past its limit, keys whose entries are gone (expired, culled, cleared) are
    dropped, and the limit becomes twice what is left: the index stays proportional to the
    live entries at an amortized constant cost per write.
    """

    def __init__(self) -> None:
        self._keys: set[str] = set()
        self._lock = threading.Lock()
        self._limit = _INITIAL_LIMIT

    def add(self, key: str, cache: BaseCache | AsyncCache) -> None:
        """Record ``key``, and prune the index when it has grown past its limit."""
        with self._lock:
            self._keys.add(key)
            if len(self._keys) <= self._limit:
                return
            known = list(self._keys)
        gone = {k for k in known if not cache.has_key(k)}
        with self._lock:
            self._keys -= gone
            self._limit = max(_INITIAL_LIMIT, 2 * len(self._keys))

    def under(self, prefix: str, keep: Callable[[str], bool] | None) -> list[str]:
        """The recorded keys starting with ``prefix`` that ``keep`` accepts (all when ``None``)."""
        with self._lock:
            return [k for k in self._keys if k.startswith(prefix) and (keep is None or keep(k))]

    def forget(self, keys: Iterable[str]) -> None:
        """Stop recording ``keys`` (deleted)."""
        with self._lock:
            self._keys.difference_update(keys)


_INDEXES: dict[tuple[Any, ...], KeyIndex] = {}
_INDEXES_LOCK = threading.Lock()


def key_index(alias: str, cache: BaseCache) -> KeyIndex:
    """The index of the storage behind ``alias``: aliases sharing a ``LOCATION`` share entries."""
    location = settings.CACHES.get(alias, {}).get("LOCATION", "")
    identity = (str(location), cache.key_prefix, cache.version, cache.key_func)
    with _INDEXES_LOCK:
        return _INDEXES.setdefault(identity, KeyIndex())


class LocMemStore(Store):
    """Django's ``LocMemCache``, read in-process (see the module doc)."""

    inproc = True

    def __init__(self, alias: str, cache: AsyncCache) -> None:
        super().__init__(alias, cache)
        self._keys = key_index(alias, cache.cache)

    def set(self, key: str, entry: Entry, expiry: float | None) -> None:
        self.cache.set(key, entry, expiry)
        self._keys.add(key, self.cache)

    def delete(self, key: str) -> bool:
        self._keys.forget((key,))
        return self.cache.delete(key)

    async def aget(self, key: str, levels: Sequence[str] = ()) -> Entry | None:
        return self.get(key, levels)

    async def aset(self, key: str, entry: Entry, expiry: float | None) -> None:
        self.set(key, entry, expiry)

    async def adelete(self, key: str) -> bool:
        return self.delete(key)

    def delete_prefix(self, prefix: str, *, dry_run: bool = False) -> int:
        return self._delete_under(prefix, None, dry_run)

    def delete_versions(self, sweep: VersionSweep, *, dry_run: bool = False) -> int:
        return self._delete_under(sweep.prefix, sweep.matches, dry_run)

    def _delete_under(self, prefix: str, keep: Callable[[str], bool] | None, dry_run: bool) -> int:
        """Delete (or count) the live entries under ``prefix`` whose key ``keep`` accepts."""
        keys = self._keys.under(prefix, keep)
        if dry_run:
            return sum(1 for key in keys if self.cache.has_key(key))
        count = sum(1 for key in keys if self.cache.delete(key))
        self._keys.forget(keys)
        return count
