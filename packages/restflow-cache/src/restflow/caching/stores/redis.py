"""django-redis: raw redis-py calls (sync), redis-py's asyncio client (async), SCAN + UNLINK wipes.

The clients come from :class:`~restflow.caching.stores.clients.RedisClients`. Prefix wipes use
``SCAN`` + ``UNLINK`` in batches (never ``KEYS``); cross-process stampede locks are ``SET NX PX``
keys released by a compare-and-delete script.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.core.cache import BaseCache

from restflow.caching.keys.versions import VersionSweep
from restflow.caching.stores.base import Entry, Store
from restflow.caching.stores.clients import RedisClients

__all__ = ["RedisStore"]

_RELEASE = (
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) "
    "else return 0 end"
)


def _glob_escape(text: str) -> str:
    return "".join("\\" + c if c in "\\*?[]" else c for c in text)


def _px(timeout: float | None) -> int | None:
    return None if timeout is None else max(1, int(timeout * 1000))


class _Sweep:
    """The I/O-free half of a SCAN + UNLINK wipe: which keys go, in which batches, the count."""

    def __init__(self, size: int, keep: Callable[[Any], bool] | None, dry_run: bool) -> None:
        self._size = size
        self._keep = keep
        self._dry_run = dry_run
        self._batch: list[Any] = []
        self.count = 0

    def add(self, key: Any) -> list[Any]:
        """Record a scanned key; the batch to unlink now (empty until one is full, or dry)."""
        if self._keep is None or self._keep(key):
            self._batch.append(key)
        return self._ready(len(self._batch) >= self._size)

    def end(self) -> list[Any]:
        """The last, partial batch to unlink."""
        return self._ready(bool(self._batch))

    def unlinked(self, count: int) -> None:
        self.count += count

    def _ready(self, full: bool) -> list[Any]:
        if not full:
            return []
        batch, self._batch = self._batch, []
        if self._dry_run:
            self.count += len(batch)
            return []
        return batch


class RedisStore(Store):
    """django-redis: raw redis-py calls (sync) and redis-py's asyncio client (async)."""

    shared_locks = True

    def __init__(self, alias: str, cache: BaseCache, batch_size: int) -> None:
        super().__init__(alias, cache)
        self.clients = RedisClients(alias, cache)
        self._batch = batch_size

    def forget_closed_loops(self) -> None:
        self.clients.forget_closed_loops()

    def _make(self, key: str) -> str:
        return str(self.cache.make_key(key))

    def _decode(self, raw: Any) -> Entry | None:
        if raw is None:
            return None
        value = self.clients.decode(raw)
        return value if isinstance(value, tuple) else None

    def get(self, key: str, levels: Sequence[str] = ()) -> Entry | None:
        return self._decode(self.clients.sync().get(self._make(key)))

    async def aget(self, key: str, levels: Sequence[str] = ()) -> Entry | None:
        clients = self.clients.of_loop()
        client = clients.take()  # not ``async with``: this is the hit path
        try:
            raw = await client.get(self._make(key))
        finally:
            clients.give(client)
        return self._decode(raw)

    def set(self, key: str, entry: Entry, expiry: float | None) -> None:
        self.clients.sync(True).set(self._make(key), self.clients.encode(entry), px=_px(expiry))

    async def aset(self, key: str, entry: Entry, expiry: float | None) -> None:
        data = self.clients.encode(entry)
        async with self.clients.of_loop().client() as client:
            await client.set(self._make(key), data, px=_px(expiry))

    def delete(self, key: str) -> bool:
        return bool(self.clients.sync(True).unlink(self._make(key)))

    async def adelete(self, key: str) -> bool:
        async with self.clients.of_loop().client() as client:
            return bool(await client.unlink(self._make(key)))

    def _pattern(self, prefix: str) -> str:
        return _glob_escape(self._make(prefix)) + "*"

    def _unlink(self, pattern: str, keep: Callable[[Any], bool] | None, *, dry_run: bool) -> int:
        """SCAN ``pattern`` and UNLINK what ``keep`` accepts (all when ``None``), in batches."""
        client, sweep = self.clients.sync(True), _Sweep(self._batch, keep, dry_run)
        for key in client.scan_iter(match=pattern, count=self._batch):
            if batch := sweep.add(key):
                sweep.unlinked(client.unlink(*batch))
        if batch := sweep.end():
            sweep.unlinked(client.unlink(*batch))
        return sweep.count

    async def _aunlink(
        self, pattern: str, keep: Callable[[Any], bool] | None, *, dry_run: bool
    ) -> int:
        """Async twin of :meth:`_unlink`, on the native asyncio client."""
        sweep = _Sweep(self._batch, keep, dry_run)
        async with self.clients.of_loop().client() as client:
            async for key in client.scan_iter(match=pattern, count=self._batch):
                if batch := sweep.add(key):
                    sweep.unlinked(await client.unlink(*batch))
            if batch := sweep.end():
                sweep.unlinked(await client.unlink(*batch))
        return sweep.count

    def delete_prefix(self, prefix: str, *, dry_run: bool = False) -> int:
        return self._unlink(self._pattern(prefix), None, dry_run=dry_run)

    async def adelete_prefix(self, prefix: str, *, dry_run: bool = False) -> int:
        return await self._aunlink(self._pattern(prefix), None, dry_run=dry_run)

    def _sweep(self, sweep: VersionSweep) -> tuple[str, Callable[[Any], bool]]:
        made = self._make(sweep.prefix)
        pattern = f"{_glob_escape(made)}*{_glob_escape(sweep.infix)}*"
        offset = len(made) - len(sweep.prefix)
        return pattern, lambda key: sweep.matches(key.decode()[offset:])

    def delete_versions(self, sweep: VersionSweep, *, dry_run: bool = False) -> int:
        pattern, keep = self._sweep(sweep)
        return self._unlink(pattern, keep, dry_run=dry_run)

    async def adelete_versions(self, sweep: VersionSweep, *, dry_run: bool = False) -> int:
        pattern, keep = self._sweep(sweep)
        return await self._aunlink(pattern, keep, dry_run=dry_run)

    def acquire(self, name: str, token: str, expiry: float) -> bool:
        return bool(self.clients.sync(True).set(self._make(name), token, nx=True, px=_px(expiry)))

    async def aacquire(self, name: str, token: str, expiry: float) -> bool:
        async with self.clients.of_loop().client() as client:
            return bool(await client.set(self._make(name), token, nx=True, px=_px(expiry)))

    def release(self, name: str, token: str) -> None:
        self.clients.sync(True).eval(_RELEASE, 1, self._make(name), token)

    async def arelease(self, name: str, token: str) -> None:
        async with self.clients.of_loop().client() as client:
            await client.eval(_RELEASE, 1, self._make(name), token)
