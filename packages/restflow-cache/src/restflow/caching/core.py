"""The I/O-free core of a cached function: what to read and write, which status, when to refresh.

Every behaviour of :class:`~restflow.caching.wrapper.CachedWrapper` is written here once, as a
generator of :mod:`~restflow.caching.steps`: it yields the store calls, the runs of the function,
the pauses and the background refreshes it needs, and decides from their results. The wrapper
drives these generators blocking (sync) or awaiting (async). Where entries live when a call's
response varies on request headers is the :class:`~restflow.caching.vary.Variants` hook's call.
The one read made here directly is :meth:`CacheCore._held`'s, of an in-process store (no I/O).
"""

from __future__ import annotations

import asyncio
import datetime
import logging
import os
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeGuard

from restflow.caching import _clock
from restflow.caching.keys import BoundKey, KeyContext
from restflow.caching.keys.encoding import SEPARATOR
from restflow.caching.runtime import Runtime, Ttl, current_epoch
from restflow.caching.stampede import Flights
from restflow.caching.status import CacheStatus
from restflow.caching.steps import Background, Call, Pause, Read, Shared, Steps, StoreCall
from restflow.caching.stores import Entry
from restflow.caching.vary import Variants

__all__ = ["CacheCore", "Looked", "fresh"]

logger = logging.getLogger("restflow.caching")

HIT, MISS, STALE = CacheStatus.HIT, CacheStatus.MISS, CacheStatus.STALE
BYPASS, REFRESH = CacheStatus.BYPASS, CacheStatus.REFRESH
LOCK_SUFFIX = "::!lock"
POLL_INTERVAL = 0.02
"""Seconds between two reads of a process waiting for another one's entry (Redis lock)."""

Looked = tuple[Any, CacheStatus, str | None, Entry | None]
"""What one call did: ``(value, status, key, entry)`` (the entry read or written, if any)."""
Resolved = tuple[Any, CacheStatus, Entry | None]


def fresh(entry: Entry | None) -> TypeGuard[Entry]:
    """Whether ``entry`` exists and is not past its ``ttl`` (stale entries are not fresh)."""
    return entry is not None and (entry[1] is None or entry[1] > _clock.now())


def _stamp(ts: float | None) -> datetime.datetime | None:
    return None if ts is None else datetime.datetime.fromtimestamp(ts, datetime.UTC)


class CacheCore:
    """The decisions of one cached function; :class:`CachedWrapper` sets its state and drives it.

    The attributes below are set by ``CachedWrapper.__init__``.
    """

    func: Callable[..., Any]
    identifier: str
    key: BoundKey
    """The key constructor, compiled for ``func``."""
    variants: Variants | None
    """Where entries live when not all at the call's key (``cache_response``: ``Vary``)."""
    cache_alias: str | None
    ttl: Ttl
    stale_ttl: float | None
    stampede: bool | None
    """Options (``stampede_protection``); unset: the ``CACHE_SETTINGS`` defaults."""
    cache_if: Callable[..., bool] | None
    cache_unless: Callable[..., bool] | None
    _flights: Flights
    """Computations in flight, by key (stampede protection in the process)."""
    _refreshing: set[str]
    _tasks: set[asyncio.Task[Any]]
    """Keys being refreshed in the background, and the async refreshes' tasks."""
    _rt: Runtime | None

    def runtime(self) -> Runtime:
        """The current settings-dependent state."""
        rt = self._rt
        if rt is None or rt.epoch != current_epoch():
            rt = self._rt = Runtime(
                self.key, self.cache_alias, self.ttl, self.stale_ttl, self.stampede
            )
        return rt

    # --- decisions without I/O ---------------------------------------------------------------
    def _levels(self, ctx: KeyContext) -> list[str]:
        """The prefixes above the call's key whose generations an entry records."""
        head = self.key.head
        levels = [self.key.namespace, head]
        for part in self.key.partition_parts(ctx):
            head = f"{head}{SEPARATOR}{part}"
            levels.append(head)
        return levels

    def _entry(
        self, rt: Runtime, value: Any, ctx: KeyContext, gens: tuple[str, ...] | None
    ) -> tuple[Entry, float | None] | None:
        """The entry to store for ``value`` and its expiry, or ``None``: not to be stored."""
        if self.cache_if is not None and not self.cache_if(value, *ctx.args, **ctx.kwargs):
            return None
        if self.cache_unless is not None and self.cache_unless(value, *ctx.args, **ctx.kwargs):
            return None
        ttl = rt.ttl(value, *ctx.args, **ctx.kwargs) if callable(rt.ttl) else rt.ttl
        if ttl is not None and ttl <= 0:
            return None
        now = _clock.now()
        if ttl is None:
            return (value, None, now, gens), None
        stale_at = now + ttl if rt.stale_ttl else None
        return (value, stale_at, now, gens), ttl + rt.stale_ttl

    def _elsewhere(self, key: str, entry: Entry | None, ctx: KeyContext) -> str | None:
        """Where the call's entry is when ``entry`` (read at ``key``) points to it (variants)."""
        if entry is None or self.variants is None:
            return None
        return self.variants.follow(key, entry[0], ctx)

    def _fits(self, value: Any, ctx: KeyContext) -> bool:
        """Whether a value computed for a concurrent call with the same key serves this one."""
        return self.variants is None or self.variants.fits(value, ctx)

    def _placed(self, key: str, entry: Entry) -> list[tuple[str, Entry]]:
        """The writes that store ``entry`` read or missed at ``key`` (or a variant of it)."""
        if self.variants is None:
            return [(key, entry)]
        value, stale_at, created, gens = entry
        return [
            (at, entry if stored is value else (stored, stale_at, created, gens))
            for at, stored in self.variants.place(key, value)
        ]

    def _rekeyed(self, ctx: KeyContext, key: str) -> bool:
        """Whether the call keys elsewhere now than at ``key`` (a refresh in another context).

        A background refresh runs in the caller's context values (``BoundKey.capture``); one
        that cannot be restored (a ``ContextKeyField`` without ``restore=``) would compute an
        entry for another key, and must not write it at this one.
        """
        base = key if self.variants is None else self.variants.base(key)
        return self.key.key(ctx) != base

    def _metadata(self, looked: Looked) -> tuple[Any, dict[str, Any]]:
        """``(value, metadata)`` of what a call did."""
        value, status, key, entry = looked
        meta: dict[str, Any] = {"cache_status": status.value, "cache_key": key}
        meta["cached_at"] = None if entry is None else _stamp(entry[2])
        meta["stale_at"] = None if entry is None else _stamp(entry[1])
        return value, meta

    def _fail(self, action: str, key: str | None) -> None:
        logger.warning(
            "restflow cache %s failed for %s (key %s)", action, self.identifier, key, exc_info=True
        )

    def get_cache_key(self, *args: Any, **kwargs: Any) -> str:
        """The cache key of this call (without the backend's own prefix)."""
        self.runtime()
        return self.key.key(KeyContext(args, kwargs))

    def _call(self, ctx: KeyContext) -> Call:
        return Call(self.func, ctx.args, ctx.kwargs)

    def _held(self, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> Looked | None:
        """A fresh entry of an in-process store, read at once: there is no I/O to wait for.

        ``None`` (another store, caching off, a miss, a stale entry or a pointer to a variant):
        the call takes :meth:`_lookup`'s steps. Both drivers use it before building steps.
        """
        rt = self.runtime()
        if not (rt.enabled and rt.inproc):
            return None
        ctx = KeyContext(args, kwargs)
        key = self.key.key(ctx)
        try:
            entry = rt.store.get(key)
        except Exception:
            return None  # the steps read again, and report the failure
        if fresh(entry) and self._elsewhere(key, entry, ctx) is None:
            return entry[0], HIT, key, entry
        return None

    # --- behaviours, as steps ------------------------------------------------------------------
    def _lookup(self, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> Steps[Looked]:
        """One call through the cache: serve a fresh entry, else resolve the miss or stale one."""
        rt = self.runtime()
        ctx = KeyContext(args, kwargs)
        if not rt.enabled:
            return (yield self._call(ctx)), BYPASS, None, None
        key = self.key.key(ctx)
        try:
            key, entry = yield from self._read(rt, ctx, key)
        except Exception:
            self._fail("read", key)
            return (yield self._call(ctx)), BYPASS, key, None
        if fresh(entry):
            return entry[0], HIT, key, entry
        value, status, written = yield from self._resolve(rt, ctx, key, entry)
        return value, status, key, written

    def _read(self, rt: Runtime, ctx: KeyContext, key: str) -> Steps[tuple[str, Entry | None]]:
        """``(key, entry)`` of one call: at ``key``, or where the entry there points."""
        levels = self._levels(ctx) if rt.generations else ()
        entry = yield Read(rt.store, key, levels)
        elsewhere = self._elsewhere(key, entry, ctx)
        if elsewhere is None:
            return key, entry
        return elsewhere, (yield Read(rt.store, elsewhere, levels))

    def _resolve(
        self, rt: Runtime, ctx: KeyContext, key: str, entry: Entry | None
    ) -> Steps[Resolved]:
        """A call without a fresh entry: serve a stale one, or compute (once per key)."""
        if entry is not None:  # stale: serve it, refresh in the background
            if key not in self._refreshing:
                self._refreshing.add(key)
                yield Background(self._refresh(ctx, key, self.key.capture()), self._tasks)
            return entry[0], STALE, entry
        if not rt.stampede:
            value, written = yield from self._compute(rt, ctx, key)
            return value, MISS, written
        (value, status, written), leader = yield Shared(
            self._flights, key, lambda: self._miss(rt, ctx, key)
        )
        if leader or self._fits(value, ctx):
            return value, (status if leader else HIT), written
        value, written = yield from self._compute(rt, ctx, key)  # computed for other headers
        return value, MISS, written

    def _miss(self, rt: Runtime, ctx: KeyContext, key: str) -> Steps[Resolved]:
        """Compute a missing entry, or (Redis) wait for the process holding its lock."""
        store = rt.store
        if not store.shared_locks:
            value, written = yield from self._compute(rt, ctx, key)
            return value, MISS, written
        lock, token = key + LOCK_SUFFIX, os.urandom(8).hex()
        try:
            locked = yield StoreCall(store, "acquire", lock, token, rt.lock_timeout)
        except Exception:
            self._fail("lock", key)
            locked, token = True, ""
        if not locked:
            found = yield from self._wait_for_other(rt, ctx, key)
            if found is not None:
                return found[0], HIT, found  # computed by another process
        try:
            value, written = yield from self._compute(rt, ctx, key)
            return value, MISS, written
        finally:
            if locked and token:
                yield StoreCall(store, "release", lock, token)

    def _wait_for_other(self, rt: Runtime, ctx: KeyContext, key: str) -> Steps[Entry | None]:
        """Poll for the entry another process computes under its lock, until the lock expires."""
        deadline = time.monotonic() + rt.lock_timeout
        while time.monotonic() < deadline:
            yield Pause(POLL_INTERVAL)
            at, found = yield from self._read(rt, ctx, key)
            if found is not None or at != key:
                return found  # None: the other process answered other header values
        return None

    def _compute(self, rt: Runtime, ctx: KeyContext, key: str) -> Steps[tuple[Any, Entry | None]]:
        """Run the function and store its result (unless unwanted); ``(value, entry written)``."""
        gens = None
        if rt.generations:
            try:
                gens = yield StoreCall(rt.store, "generations", self._levels(ctx))
            except Exception:
                self._fail("read generations", key)
                return (yield self._call(ctx)), None
        value = yield self._call(ctx)
        made = self._entry(rt, value, ctx, gens)
        if made is None:
            return value, None
        try:
            for at, entry in self._placed(key, made[0]):
                yield StoreCall(rt.store, "set", at, entry, made[1])
        except Exception:
            self._fail("write", key)
            return value, None
        return value, made[0]

    def _refresh(self, ctx: KeyContext, key: str, restored: Callable[[], Any]) -> Steps[None]:
        """A background refresh of a stale entry, in the caller's context values."""
        try:
            with restored():
                if not self._rekeyed(ctx, key):
                    yield from self._compute(self.runtime(), ctx, key)
        except Exception:
            logger.exception("background refresh of %s failed", self.identifier)
        finally:
            self._refreshing.discard(key)

    def _renew(
        self, args: tuple[Any, ...], kwargs: Mapping[str, Any], keyed: bool
    ) -> Steps[Looked]:
        """Run the function now and replace the entry (``REFRESH``); ``keyed``: report the key."""
        rt = self.runtime()
        ctx = KeyContext(args, kwargs)
        if not rt.enabled:
            key = self.key.key(ctx) if keyed else None
            return (yield self._call(ctx)), BYPASS, key, None
        key = self.key.key(ctx)
        value, entry = yield from self._compute(rt, ctx, key)
        return value, REFRESH, key, entry

    def _peek(self, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> Steps[Entry | None]:
        """The cached entry of a call, fresh or stale; never runs the function."""
        ctx = KeyContext(args, kwargs)
        return (yield from self._read(self.runtime(), ctx, self.key.key(ctx)))[1]

    def _entry_metadata(
        self, entry: Entry | None, args: tuple[Any, ...], kwargs: Mapping[str, Any]
    ) -> dict[str, Any] | None:
        """Metadata of a peeked entry (``HIT`` or ``STALE``), ``None`` without one."""
        if entry is None:
            return None
        status = HIT if fresh(entry) else STALE
        return self._metadata((None, status, self.get_cache_key(*args, **kwargs), entry))[1]

    def _delete(self, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> Steps[bool]:
        """Drop a call's entry (the variant a request reads, for varied responses)."""
        rt = self.runtime()
        ctx = KeyContext(args, kwargs)
        key = self.key.key(ctx)
        if self.variants is not None:
            key = (yield from self._read(rt, ctx, key))[0]
        return bool((yield StoreCall(rt.store, "delete", key)))
