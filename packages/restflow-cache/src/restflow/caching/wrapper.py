"""``@cache_result`` and ``CachedWrapper``: a function whose calls go through the cache.

Statuses (``metadata["cache_status"]``):

- ``HIT``: a fresh entry was served.
- ``MISS``: there was no entry; the function ran and its result was stored.
- ``STALE``: the entry was older than ``ttl`` but younger than ``ttl + stale_ttl``; the old
  value was served at once and one background refresh started (a thread for sync
  functions, a task on the running loop for async ones). With ``stale_ttl=0`` (the
  default) entries simply expire after ``ttl`` and STALE never happens.
- ``BYPASS``: the cache was neither read nor written (``bypass_cache``, caching disabled
  in ``CACHE_SETTINGS``, or the backend failed — logged).
- ``REFRESH``: the function ran unconditionally and replaced the entry (``refresh``).

Exceptions are never cached; a cached ``None`` is a hit. ``cache_if``/``cache_unless``
predicates receive ``(result, *args, **kwargs)``.
"""

from __future__ import annotations

import asyncio
import datetime
import functools
import logging
import os
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.db import close_old_connections

from restflow.caching.keys import BoundKey, DefaultKeyConstructor, KeyConstructor, KeyContext
from restflow.caching.keys.constructor import SEPARATOR
from restflow.caching.registry import register_wrapper
from restflow.caching.runtime import UNSET, Runtime, Ttl, current_epoch
from restflow.caching.stampede import Flights
from restflow.caching.status import CACHE_MISSING, CacheStatus
from restflow.caching.stores import Entry
from restflow.caching.vary import Variants
from restflow.caching.wrapper_async import AsyncMethods
from restflow.core.fallback import call, is_async_callable

__all__ = ["CachedWrapper", "cache_result"]

logger = logging.getLogger("restflow.caching")

_HIT, _MISS, _STALE = CacheStatus.HIT, CacheStatus.MISS, CacheStatus.STALE
_BYPASS, _REFRESH = CacheStatus.BYPASS, CacheStatus.REFRESH
_POOL: list[ThreadPoolExecutor] = []


def _pool() -> ThreadPoolExecutor:
    if not _POOL:
        _POOL.append(ThreadPoolExecutor(max_workers=2, thread_name_prefix="restflow-cache"))
    return _POOL[0]


def _stamp(ts: float | None) -> datetime.datetime | None:
    return None if ts is None else datetime.datetime.fromtimestamp(ts, datetime.UTC)


class CachedWrapper(AsyncMethods):
    """A cached function; call it like the function, or use the control methods.

    Sync functions return values; calling an async-wrapped function returns a coroutine.
    Every control method has an ``a``-prefixed async twin with the same arguments.
    """

    def __init__(
        self,
        func: Callable[..., Any],
        *,
        key_constructor: type[KeyConstructor] = DefaultKeyConstructor,
        ttl: Ttl = UNSET,
        stale_ttl: float | None = None,
        cache_alias: str | None = None,
        cache_if: Callable[..., bool] | None = None,
        cache_unless: Callable[..., bool] | None = None,
        stampede_protection: bool | None = None,
        invalidates_on: Iterable[Any] = (),
        serves_responses: bool = False,
        variants: Variants | None = None,
    ) -> None:
        if not callable(func):
            raise TypeError(f"cache_result() needs a callable, got {func!r}.")
        if not (isinstance(key_constructor, type) and issubclass(key_constructor, KeyConstructor)):
            raise TypeError(
                f"cache_result(key_constructor=) of {func.__qualname__} must be a KeyConstructor "
                f"subclass, got {key_constructor!r}."
            )
        if not (ttl is UNSET or ttl is None or callable(ttl) or _non_negative(ttl)):
            raise TypeError(
                f"cache_result(ttl=) of {func.__qualname__} must be seconds >= 0, None or a "
                f"callable, got {ttl!r}."
            )
        if stale_ttl is not None and not _non_negative(stale_ttl):
            raise TypeError(f"cache_result(stale_ttl=) must be seconds >= 0, got {stale_ttl!r}.")
        functools.update_wrapper(self, func)
        self.func = func
        self.is_async = is_async_callable(func)
        self.identifier = f"{func.__module__}:{func.__qualname__}"
        self.key: BoundKey = key_constructor.bind(func, f"{func.__module__}.{func.__qualname__}")
        self.ttl = ttl
        self.stale_ttl = stale_ttl
        self.cache_alias = cache_alias
        self.cache_if = cache_if
        self.cache_unless = cache_unless
        self.stampede = stampede_protection
        self._flights = Flights()
        self._refreshing: set[str] = set()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._rt: Runtime | None = None
        self.serves_responses = serves_responses
        """``True`` for a ``cache_response`` handler (rules then name the key's fields)."""
        self.variants = variants
        """Where entries live when not all at the call's key (``cache_response``: ``Vary``)."""
        self.rules: list[Any] = list(invalidates_on)
        register_wrapper(self)
        for rule in self.rules:
            rule.attach(self)

    def __repr__(self) -> str:
        return f"<CachedWrapper {self.identifier}>"

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        return _BoundWrapper(self, instance)

    # --- I/O-free helpers shared by both paths ------------------------------------------
    def runtime(self) -> Runtime:
        """The current settings-dependent state."""
        rt = self._rt
        if rt is None or rt.epoch != current_epoch():
            rt = self._rt = Runtime(self)
        return rt

    def _levels(self, ctx: KeyContext) -> list[str]:
        head = self.key.head
        levels = [self.key.namespace, head]
        for part in self.key.partition_parts(ctx):
            head = f"{head}{SEPARATOR}{part}"
            levels.append(head)
        return levels

    def _wanted(self, value: Any, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> bool:
        if self.cache_if is not None and not self.cache_if(value, *args, **kwargs):
            return False
        return not (self.cache_unless is not None and self.cache_unless(value, *args, **kwargs))

    def _entry(
        self, rt: Runtime, value: Any, gens: tuple[str, ...] | None
    ) -> tuple[Entry, float | None] | None:
        ttl = rt.ttl(value) if callable(rt.ttl) else rt.ttl
        if ttl is not None and ttl <= 0:
            return None
        now = time.time()
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

    def _metadata(
        self, status: CacheStatus, key: str | None, entry: Entry | None
    ) -> dict[str, Any]:
        meta: dict[str, Any] = {"cache_status": status.value, "cache_key": key}
        if entry is not None:
            meta["cached_at"] = _stamp(entry[2])
            meta["stale_at"] = _stamp(entry[1])
        else:
            meta["cached_at"] = meta["stale_at"] = None
        return meta

    def _fail(self, action: str, key: str | None) -> None:
        logger.warning(
            "restflow cache %s failed for %s (key %s)", action, self.identifier, key, exc_info=True
        )

    def get_cache_key(self, *args: Any, **kwargs: Any) -> str:
        """The cache key of this call (without the backend's own prefix)."""
        self.runtime()
        return self.key.key(KeyContext(args, kwargs))

    # --- sync path -------------------------------------------------------------------------
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.is_async:
            return self._afast(args, kwargs)
        if self.variants is not None:
            return self.lookup(args, kwargs)[0]
        rt = self.runtime()
        if not rt.enabled:
            return self.func(*args, **kwargs)
        ctx = KeyContext(args, kwargs)
        key = self.key.key(ctx)
        try:
            entry = rt.store.get(key, self._levels(ctx) if rt.generations else ())
        except Exception:
            self._fail("read", key)
            return self.func(*args, **kwargs)
        if entry is not None and (entry[1] is None or entry[1] > time.time()):
            return entry[0]
        return self._resolve(rt, ctx, key, entry)[0]

    def get_with_metadata(self, *args: Any, **kwargs: Any) -> tuple[Any, dict[str, Any]]:
        """``(value, metadata)``; ``metadata["cache_status"]`` says what happened."""
        value, status, key, entry = self.lookup(args, kwargs)
        return value, self._metadata(status, key, entry)

    def lookup(
        self, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> tuple[Any, CacheStatus, str | None, Entry | None]:
        """``(value, status, key, entry)`` of one call; what ``get_with_metadata`` reports."""
        rt = self.runtime()
        if not rt.enabled:
            return call(self.func, *args, **kwargs), _BYPASS, None, None
        ctx = KeyContext(args, kwargs)
        key = self.key.key(ctx)
        try:
            key, entry = self._read(rt, ctx, key)
        except Exception:
            self._fail("read", key)
            return call(self.func, *args, **kwargs), _BYPASS, key, None
        if entry is not None and (entry[1] is None or entry[1] > time.time()):
            return entry[0], _HIT, key, entry
        value, status, written = self._resolve(rt, ctx, key, entry)
        return value, status, key, written

    def _read(self, rt: Runtime, ctx: KeyContext, key: str) -> tuple[str, Entry | None]:
        """``(key, entry)`` of one call: at ``key``, or where the entry there points."""
        levels = self._levels(ctx) if rt.generations else ()
        entry = rt.store.get(key, levels)
        elsewhere = self._elsewhere(key, entry, ctx)
        if elsewhere is None:
            return key, entry
        return elsewhere, rt.store.get(elsewhere, levels)

    def _resolve(
        self, rt: Runtime, ctx: KeyContext, key: str, entry: Entry | None
    ) -> tuple[Any, CacheStatus, Entry | None]:
        if entry is not None:  # stale: serve it, refresh in the background
            self._refresh_later(ctx, key)
            return entry[0], _STALE, entry
        if not rt.stampede:
            value, written = self._compute(rt, ctx, key)
            return value, _MISS, written
        (value, written, status), leader = self._flights.run(key, lambda: self._miss(rt, ctx, key))
        if leader or self._fits(value, ctx):
            return value, (status if leader else _HIT), written
        value, written = self._compute(rt, ctx, key)  # it was computed for other header values
        return value, _MISS, written

    def _miss(
        self, rt: Runtime, ctx: KeyContext, key: str
    ) -> tuple[Any, Entry | None, CacheStatus]:
        """Compute a missing entry, or (Redis) wait for the process holding its lock."""
        store = rt.store
        if store.shared_locks:
            token = os.urandom(8).hex()
            try:
                locked = store.acquire(key + "::!lock", token, rt.lock_timeout)
            except Exception:
                self._fail("lock", key)
                locked = True
                token = ""
            if not locked:
                deadline = time.monotonic() + rt.lock_timeout
                while time.monotonic() < deadline:
                    time.sleep(0.02)
                    found = store.get(key)
                    elsewhere = self._elsewhere(key, found, ctx)
                    if elsewhere is not None:
                        found = store.get(elsewhere)
                        if found is None:
                            break  # the other process answered other header values
                    if found is not None:
                        return found[0], found, _HIT  # computed by another process
            try:
                return (*self._compute(rt, ctx, key), _MISS)
            finally:
                if locked and token:
                    store.release(key + "::!lock", token)
        return (*self._compute(rt, ctx, key), _MISS)

    def _compute(self, rt: Runtime, ctx: KeyContext, key: str) -> tuple[Any, Entry | None]:
        gens = None
        if rt.generations:
            try:
                gens = rt.store.generations(self._levels(ctx))
            except Exception:
                self._fail("read generations", key)
                return call(self.func, *ctx.args, **ctx.kwargs), None
        value = call(self.func, *ctx.args, **ctx.kwargs)
        if not self._wanted(value, ctx.args, ctx.kwargs):
            return value, None
        made = self._entry(rt, value, gens)
        if made is None:
            return value, None
        try:
            for at, entry in self._placed(key, made[0]):
                rt.store.set(at, entry, made[1])
        except Exception:
            self._fail("write", key)
            return value, None
        return value, made[0]

    def _refresh_later(self, ctx: KeyContext, key: str) -> None:
        if key in self._refreshing:
            return
        self._refreshing.add(key)
        restored = self.key.capture()  # the caller's language, time zone, ...

        def run() -> None:
            try:
                with restored():
                    if not self._rekeyed(ctx, key):
                        self._compute(self.runtime(), ctx, key)
            except Exception:
                logger.exception("background refresh of %s failed", self.identifier)
            finally:
                self._refreshing.discard(key)
                close_old_connections()

        _pool().submit(run)

    def refresh(self, *args: Any, **kwargs: Any) -> Any:
        """Run the function now and replace the entry (status ``REFRESH``)."""
        rt = self.runtime()
        if not rt.enabled:
            return call(self.func, *args, **kwargs)
        ctx = KeyContext(args, kwargs)
        return self._compute(rt, ctx, self.key.key(ctx))[0]

    def refresh_with_metadata(self, *args: Any, **kwargs: Any) -> tuple[Any, dict[str, Any]]:
        """:meth:`refresh` returning ``(value, metadata)``."""
        rt = self.runtime()
        ctx = KeyContext(args, kwargs)
        key = self.key.key(ctx)
        if not rt.enabled:
            return call(self.func, *args, **kwargs), self._metadata(_BYPASS, key, None)
        value, entry = self._compute(rt, ctx, key)
        return value, self._metadata(_REFRESH, key, entry)

    def bypass_cache(self, *args: Any, **kwargs: Any) -> Any:
        """Run the function without reading or writing the cache (status ``BYPASS``)."""
        return call(self.func, *args, **kwargs)

    def get_cache_only(self, *args: Any, **kwargs: Any) -> Any:
        """The cached value (stale or fresh) or :data:`CACHE_MISSING`; never runs the function."""
        entry = self._peek(args, kwargs)
        return CACHE_MISSING if entry is None else entry[0]

    def get_cached_metadata(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        """Metadata of the cached entry (``HIT`` or ``STALE``), or ``None`` when there is none."""
        entry = self._peek(args, kwargs)
        if entry is None:
            return None
        fresh = entry[1] is None or entry[1] > time.time()
        return self._metadata(_HIT if fresh else _STALE, self.get_cache_key(*args, **kwargs), entry)

    def _peek(self, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> Entry | None:
        ctx = KeyContext(args, kwargs)
        return self._read(self.runtime(), ctx, self.key.key(ctx))[1]

    def delete_cache(self, *args: Any, **kwargs: Any) -> bool:
        """Drop this call's entry; ``True`` when there was one."""
        rt = self.runtime()
        ctx = KeyContext(args, kwargs)
        key = self.key.key(ctx)
        if self.variants is not None:
            key = self._read(rt, ctx, key)[0]
        return rt.store.delete(key)

    def delete_by_prefix(self, **partition_values: Any) -> int:
        """Drop every entry sharing these leading partition values; the count, or -1 if unknown."""
        rt = self.runtime()
        prefix, _ = self.key.prefix(partition_values)
        return rt.store.delete_prefix(prefix)

    def invalidate_all(self) -> int:
        """Drop every entry this function wrote; the count, or -1 if unknown."""
        rt = self.runtime()
        return rt.store.delete_prefix(self.key.head + SEPARATOR)

    def wipe_previous_versions(
        self, versions: Iterable[Any] | None = None, *, dry_run: bool = False
    ) -> int:
        """Drop what this function wrote under other ``Meta.version`` values than the current.

        ``versions`` limits it to those previous versions. LocMem and Redis delete (``SCAN`` +
        ``UNLINK``) and return the count; backends that cannot list keys replace the
        generation of each old version (``versions``, or every integer below the current
        one) and return -1. ``dry_run`` counts (or, there, checks) without deleting.
        """
        rt = self.runtime()
        return rt.store.delete_versions(self.key.version_sweep(versions), dry_run=dry_run)

    def wait_for_refreshes(self, timeout: float = 5.0) -> None:
        """Block until background (STALE) refreshes of sync calls finished; for tests."""
        deadline = time.monotonic() + timeout
        while self._refreshing and time.monotonic() < deadline:
            time.sleep(0.005)


_BOUND_METHODS = frozenset(
    name
    for name in dir(CachedWrapper)
    if not name.startswith("_") and callable(getattr(CachedWrapper, name))
) - {
    "runtime",
    "wait_for_refreshes",
    "delete_by_prefix",
    "adelete_by_prefix",
    "invalidate_all",
    "ainvalidate_all",
    "wipe_previous_versions",
    "awipe_previous_versions",
}


class _BoundWrapper:
    """A cached method bound to an instance: the instance is the first argument."""

    __slots__ = ("instance", "wrapper")

    def __init__(self, wrapper: CachedWrapper, instance: Any) -> None:
        self.wrapper = wrapper
        self.instance = instance

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.wrapper(self.instance, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.wrapper, name)
        if name in _BOUND_METHODS:
            return functools.partial(attr, self.instance)
        return attr


def _non_negative(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0


def cache_result(
    func: Callable[..., Any] | None = None,
    *,
    key_constructor: type[KeyConstructor] = DefaultKeyConstructor,
    ttl: Ttl = UNSET,
    stale_ttl: float | None = None,
    cache_alias: str | None = None,
    cache_if: Callable[..., bool] | None = None,
    cache_unless: Callable[..., bool] | None = None,
    stampede_protection: bool | None = None,
    invalidates_on: Iterable[Any] = (),
) -> Any:
    """Cache a sync or async function or method; returns a :class:`CachedWrapper`.

    ``ttl``: seconds, ``None`` (no expiry) or ``callable(result)``; default
    ``CACHE_SETTINGS.DEFAULT_TTL``. ``stale_ttl``: seconds an expired entry may still be
    served (``STALE``) while it is refreshed. ``invalidates_on``: ``InvalidationRule``\\ s.
    Usable bare (``@cache_result``) or with arguments.
    """
    options: dict[str, Any] = {
        "key_constructor": key_constructor,
        "ttl": ttl,
        "stale_ttl": stale_ttl,
        "cache_alias": cache_alias,
        "cache_if": cache_if,
        "cache_unless": cache_unless,
        "stampede_protection": stampede_protection,
        "invalidates_on": invalidates_on,
    }
    if func is not None:
        return CachedWrapper(func, **options)
    return lambda f: CachedWrapper(f, **options)
