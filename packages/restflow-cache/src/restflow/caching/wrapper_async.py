"""The async path of ``CachedWrapper``: the ``a``-prefixed twins of its I/O methods.

A mixin of :class:`restflow.caching.wrapper.CachedWrapper`; each method mirrors its sync twin
there and shares its I/O-free helpers (keys, levels, entries, metadata, variants).
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from restflow.caching.keys import KeyContext
from restflow.caching.keys.constructor import SEPARATOR
from restflow.caching.status import CACHE_MISSING, CacheStatus
from restflow.caching.stores import Entry
from restflow.core.fallback import acall

if TYPE_CHECKING:
    from collections.abc import Callable

    from restflow.caching.keys import BoundKey
    from restflow.caching.runtime import Runtime
    from restflow.caching.stampede import Flights
    from restflow.caching.vary import Variants

__all__ = ["AsyncMethods"]

logger = logging.getLogger("restflow.caching")

_HIT, _MISS, _STALE = CacheStatus.HIT, CacheStatus.MISS, CacheStatus.STALE
_BYPASS, _REFRESH = CacheStatus.BYPASS, CacheStatus.REFRESH


class AsyncMethods:
    """The async twins of ``CachedWrapper``'s methods (same arguments, awaited)."""

    if TYPE_CHECKING:  # what the async methods use of CachedWrapper
        func: Callable[..., Any]
        identifier: str
        key: BoundKey
        variants: Variants | None
        _flights: Flights
        _refreshing: set[str]
        _tasks: set[asyncio.Task[Any]]

        def runtime(self) -> Runtime: ...
        def _levels(self, ctx: KeyContext) -> list[str]: ...
        def _wanted(self, value: Any, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> bool: ...
        def _entry(
            self, rt: Runtime, value: Any, gens: tuple[str, ...] | None
        ) -> tuple[Entry, float | None] | None: ...
        def _metadata(
            self, status: CacheStatus, key: str | None, entry: Entry | None
        ) -> dict[str, Any]: ...
        def _fail(self, action: str, key: str | None) -> None: ...
        def _read(self, rt: Runtime, ctx: KeyContext, key: str) -> tuple[str, Entry | None]: ...
        def _elsewhere(self, key: str, entry: Entry | None, ctx: KeyContext) -> str | None: ...
        def _fits(self, value: Any, ctx: KeyContext) -> bool: ...
        def _rekeyed(self, ctx: KeyContext, key: str) -> bool: ...
        def _placed(self, key: str, entry: Entry) -> list[tuple[str, Entry]]: ...
        def get_cache_key(self, *args: Any, **kwargs: Any) -> str: ...

    async def _afast(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        if self.variants is not None:
            return (await self.alookup(args, kwargs))[0]
        rt = self.runtime()
        if not rt.enabled:
            return await acall(self.func, *args, **kwargs)
        ctx = KeyContext(args, kwargs)
        key = self.key.key(ctx)
        try:
            if rt.inproc:
                entry = rt.store.get(key)
            else:
                entry = await rt.store.aget(key, self._levels(ctx) if rt.generations else ())
        except Exception:
            self._fail("read", key)
            return await acall(self.func, *args, **kwargs)
        if entry is not None and (entry[1] is None or entry[1] > time.time()):
            return entry[0]
        return (await self._aresolve(rt, ctx, key, entry))[0]

    async def aget_with_metadata(self, *args: Any, **kwargs: Any) -> tuple[Any, dict[str, Any]]:
        """Async twin of :meth:`get_with_metadata`."""
        value, status, key, entry = await self.alookup(args, kwargs)
        return value, self._metadata(status, key, entry)

    async def alookup(
        self, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> tuple[Any, CacheStatus, str | None, Entry | None]:
        """Async twin of :meth:`lookup`."""
        rt = self.runtime()
        if not rt.enabled:
            return await acall(self.func, *args, **kwargs), _BYPASS, None, None
        ctx = KeyContext(args, kwargs)
        key = self.key.key(ctx)
        try:
            if rt.inproc:
                key, entry = self._read(rt, ctx, key)
            else:
                key, entry = await self._aread(rt, ctx, key)
        except Exception:
            self._fail("read", key)
            return await acall(self.func, *args, **kwargs), _BYPASS, key, None
        if entry is not None and (entry[1] is None or entry[1] > time.time()):
            return entry[0], _HIT, key, entry
        value, status, written = await self._aresolve(rt, ctx, key, entry)
        return value, status, key, written

    async def _aread(self, rt: Runtime, ctx: KeyContext, key: str) -> tuple[str, Entry | None]:
        """Async twin of :meth:`_read`, for stores read over the network."""
        levels = self._levels(ctx) if rt.generations else ()
        entry = await rt.store.aget(key, levels)
        elsewhere = self._elsewhere(key, entry, ctx)
        if elsewhere is None:
            return key, entry
        return elsewhere, await rt.store.aget(elsewhere, levels)

    async def _aresolve(
        self, rt: Runtime, ctx: KeyContext, key: str, entry: Entry | None
    ) -> tuple[Any, CacheStatus, Entry | None]:
        if entry is not None:
            self._arefresh_later(ctx, key)
            return entry[0], _STALE, entry
        if not rt.stampede:
            value, written = await self._acompute(rt, ctx, key)
            return value, _MISS, written
        (value, written, status), leader = await self._flights.arun(
            key, lambda: self._amiss(rt, ctx, key)
        )
        if leader or self._fits(value, ctx):
            return value, (status if leader else _HIT), written
        value, written = await self._acompute(rt, ctx, key)  # computed for other header values
        return value, _MISS, written

    async def _amiss(
        self, rt: Runtime, ctx: KeyContext, key: str
    ) -> tuple[Any, Entry | None, CacheStatus]:
        store = rt.store
        if store.shared_locks:
            token = os.urandom(8).hex()
            try:
                locked = await store.aacquire(key + "::!lock", token, rt.lock_timeout)
            except Exception:
                self._fail("lock", key)
                locked, token = True, ""
            if not locked:
                deadline = time.monotonic() + rt.lock_timeout
                while time.monotonic() < deadline:
                    await asyncio.sleep(0.02)
                    found = await store.aget(key)
                    elsewhere = self._elsewhere(key, found, ctx)
                    if elsewhere is not None:
                        found = await store.aget(elsewhere)
                        if found is None:
                            break  # the other process answered other header values
                    if found is not None:
                        return found[0], found, _HIT  # computed by another process
            try:
                return (*(await self._acompute(rt, ctx, key)), _MISS)
            finally:
                if locked and token:
                    await store.arelease(key + "::!lock", token)
        return (*(await self._acompute(rt, ctx, key)), _MISS)

    async def _acompute(self, rt: Runtime, ctx: KeyContext, key: str) -> tuple[Any, Entry | None]:
        gens = None
        if rt.generations:
            try:
                gens = await rt.store.agenerations(self._levels(ctx))
            except Exception:
                self._fail("read generations", key)
                return await acall(self.func, *ctx.args, **ctx.kwargs), None
        value = await acall(self.func, *ctx.args, **ctx.kwargs)
        if not self._wanted(value, ctx.args, ctx.kwargs):
            return value, None
        made = self._entry(rt, value, gens)
        if made is None:
            return value, None
        try:
            for at, entry in self._placed(key, made[0]):
                await rt.store.aset(at, entry, made[1])
        except Exception:
            self._fail("write", key)
            return value, None
        return value, made[0]

    def _arefresh_later(self, ctx: KeyContext, key: str) -> None:
        if key in self._refreshing:
            return
        self._refreshing.add(key)
        restored = self.key.capture()

        async def run() -> None:
            try:
                with restored():
                    if not self._rekeyed(ctx, key):
                        await self._acompute(self.runtime(), ctx, key)
            except Exception:
                logger.exception("background refresh of %s failed", self.identifier)
            finally:
                self._refreshing.discard(key)

        task = asyncio.get_running_loop().create_task(run())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def arefresh(self, *args: Any, **kwargs: Any) -> Any:
        """Async twin of :meth:`refresh`."""
        rt = self.runtime()
        if not rt.enabled:
            return await acall(self.func, *args, **kwargs)
        ctx = KeyContext(args, kwargs)
        return (await self._acompute(rt, ctx, self.key.key(ctx)))[0]

    async def arefresh_with_metadata(self, *args: Any, **kwargs: Any) -> tuple[Any, dict[str, Any]]:
        """Async twin of :meth:`refresh_with_metadata`."""
        rt = self.runtime()
        ctx = KeyContext(args, kwargs)
        key = self.key.key(ctx)
        if not rt.enabled:
            return await acall(self.func, *args, **kwargs), self._metadata(_BYPASS, key, None)
        value, entry = await self._acompute(rt, ctx, key)
        return value, self._metadata(_REFRESH, key, entry)

    async def abypass_cache(self, *args: Any, **kwargs: Any) -> Any:
        """Async twin of :meth:`bypass_cache`."""
        return await acall(self.func, *args, **kwargs)

    async def _apeek(self, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> Entry | None:
        ctx = KeyContext(args, kwargs)
        return (await self._aread(self.runtime(), ctx, self.key.key(ctx)))[1]

    async def aget_cache_only(self, *args: Any, **kwargs: Any) -> Any:
        """Async twin of :meth:`get_cache_only`."""
        entry = await self._apeek(args, kwargs)
        return CACHE_MISSING if entry is None else entry[0]

    async def aget_cached_metadata(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        """Async twin of :meth:`get_cached_metadata`."""
        entry = await self._apeek(args, kwargs)
        if entry is None:
            return None
        fresh = entry[1] is None or entry[1] > time.time()
        return self._metadata(_HIT if fresh else _STALE, self.get_cache_key(*args, **kwargs), entry)

    async def adelete_cache(self, *args: Any, **kwargs: Any) -> bool:
        """Async twin of :meth:`delete_cache`."""
        rt = self.runtime()
        ctx = KeyContext(args, kwargs)
        key = self.key.key(ctx)
        if self.variants is not None:
            key = (await self._aread(rt, ctx, key))[0]
        return await rt.store.adelete(key)

    async def adelete_by_prefix(self, **partition_values: Any) -> int:
        """Async twin of :meth:`delete_by_prefix`."""
        rt = self.runtime()
        prefix, _ = self.key.prefix(partition_values)
        return await rt.store.adelete_prefix(prefix)

    async def ainvalidate_all(self) -> int:
        """Async twin of :meth:`invalidate_all`."""
        rt = self.runtime()
        return await rt.store.adelete_prefix(self.key.head + SEPARATOR)

    async def awipe_previous_versions(
        self, versions: Iterable[Any] | None = None, *, dry_run: bool = False
    ) -> int:
        """Async twin of :meth:`wipe_previous_versions`."""
        rt = self.runtime()
        return await rt.store.adelete_versions(self.key.version_sweep(versions), dry_run=dry_run)
