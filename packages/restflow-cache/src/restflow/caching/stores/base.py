"""Where entries live: one small adapter per kind of Django cache backend.

- **LocMem** is in-process: read and written directly (same locking and pickling as
  Django's ``LocMemCache``), on the async path too — no thread hop. Prefix wipes scan its
  dict.
- **django-redis**: the raw redis-py client for sync calls, redis-py's asyncio client
  (same server and database) for async calls. Prefix wipes use ``SCAN`` + ``UNLINK`` in
  batches (never ``KEYS``).
- **Anything else** (database, memcached, file, Django's own Redis backend): the Django
  cache API, with *generation counters* for prefix wipes, because these backends cannot
  list keys. Each entry records the generation of every prefix above it (namespace,
  function, each partition); a wipe replaces the prefix's generation with a fresh random
  token, so older entries stop matching and age out by their ttl. A wipe's count is
  unknown there (``-1``). A previous-versions wipe replaces the generation of each old
  version's function prefix (``namespace::old-version::function-id``), so processes still
  running the old version miss too.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pickle
import time
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

from django.core.cache import BaseCache, caches
from django.core.cache.backends.base import default_key_func
from django.core.exceptions import ImproperlyConfigured

from restflow.caching._compat import require_redis_asyncio
from restflow.caching.keys.versions import VersionSweep

__all__ = ["Entry", "Store", "get_store", "reset_stores"]

Entry = tuple[Any, float | None, float, tuple[str, ...] | None]
"""What is stored: ``(value, stale_at, created_at, generations)``."""

GEN_SUFFIX = "::!g"


class Store:
    """A cache alias as restflow uses it; subclasses override the I/O."""

    scans = True
    """Whether prefix wipes list keys (else generation counters)."""

    def __init__(self, alias: str, cache: BaseCache) -> None:
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
        return bool(self.cache.delete(key))

    async def adelete(self, key: str) -> bool:
        return bool(await self.cache.adelete(key))

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

    def forget_closed_loops(self) -> None:
        """Release per-event-loop resources of loops that are closed."""
        return None

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


class LocMemStore(Store):
    """Django's ``LocMemCache``, read in-process without its per-call overhead."""

    def __init__(self, alias: str, cache: BaseCache) -> None:
        super().__init__(alias, cache)
        self._dict = cache._cache  # type: ignore[attr-defined]
        self._expire = cache._expire_info  # type: ignore[attr-defined]
        self._lock = cache._lock  # type: ignore[attr-defined]
        if cache.key_func is default_key_func:
            head = f"{cache.key_prefix}:{cache.version}:"
            self._make = head.__add__
        else:
            self._make = lambda key: cache.make_key(key)

    def get(self, key: str, levels: Sequence[str] = ()) -> Entry | None:
        made = self._make(key)
        with self._lock:
            expires = self._expire.get(made, -1)
            if expires is not None and expires <= time.time():
                if expires != -1:
                    self.cache._delete(made)  # type: ignore[attr-defined]
                return None
            pickled = self._dict[made]
            self._dict.move_to_end(made, last=False)
        raw = pickle.loads(pickled)
        return raw if isinstance(raw, tuple) else None

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
        """Delete (or count) the entries under ``prefix`` whose key ``keep`` accepts."""
        made = self._make(prefix)
        offset = len(made) - len(prefix)  # the backend's own prefix
        with self._lock:
            keys = [
                k for k in self._dict if k.startswith(made) and (keep is None or keep(k[offset:]))
            ]
            if not dry_run:
                for key in keys:
                    self.cache._delete(key)  # type: ignore[attr-defined]
        return len(keys)


def _glob_escape(text: str) -> str:
    return "".join("\\" + c if c in "\\*?[]" else c for c in text)


class _AsyncClients:
    """Single-connection asyncio clients of one event loop, lent one per command.

    redis-py's asyncio connection pool costs about as much as the round trip itself; a
    free list of dedicated connections keeps concurrency (one connection per concurrent
    command) without that cost.
    """

    def __init__(self, factory: Callable[[], Any]) -> None:
        self._factory = factory
        self._free: list[Any] = []

    def take(self) -> Any:
        return self._free.pop() if self._free else self._factory()

    def give(self, client: Any) -> None:
        self._free.append(client)

    def discard(self) -> None:
        """Drop the connections of a closed loop (their sockets are closed, not leaked)."""
        clients, self._free = self._free, []
        for client in clients:
            connection, client.connection = client.connection, None
            writer = getattr(connection, "_writer", None)
            if writer is None:
                continue
            with contextlib.suppress(Exception):
                writer.transport._sock.close()
            connection._writer = connection._reader = None

    @contextlib.asynccontextmanager
    async def client(self) -> AsyncIterator[Any]:
        client = self.take()
        try:
            yield client
        finally:
            self.give(client)


class RedisStore(Store):
    """django-redis: raw redis-py calls (sync) and redis-py's asyncio client (async)."""

    shared_locks = True

    def __init__(self, alias: str, cache: BaseCache, batch_size: int) -> None:
        super().__init__(alias, cache)
        self._client = cache.client  # type: ignore[attr-defined]
        self._batch = batch_size
        self._aclients: dict[asyncio.AbstractEventLoop, _AsyncClients] = {}

    def _redis(self, write: bool = False) -> Any:
        return self._client.get_client(write=write)

    def _aclients_of_loop(self) -> _AsyncClients:
        loop = asyncio.get_running_loop()
        clients = self._aclients.get(loop)
        if clients is None:
            self.forget_closed_loops()  # e.g. the loops of async_to_sync calls
            options = self._client._options
            extra: dict[str, Any] = {"single_connection_client": True}
            if options.get("PASSWORD"):
                extra["password"] = options["PASSWORD"]
            for option, name in (
                ("SOCKET_TIMEOUT", "socket_timeout"),
                ("SOCKET_CONNECT_TIMEOUT", "socket_connect_timeout"),
            ):
                if option in options:
                    extra[name] = options[option]
            server = self._client._server[0]
            factory = require_redis_asyncio().Redis.from_url
            clients = self._aclients[loop] = _AsyncClients(lambda: factory(server, **extra))
        return clients

    def forget_closed_loops(self) -> None:
        for old in [old for old in self._aclients if old.is_closed()]:
            self._aclients.pop(old).discard()

    def _make(self, key: str) -> str:
        return str(self.cache.make_key(key))

    def _decode(self, raw: Any) -> Entry | None:
        if raw is None:
            return None
        value = self._client.decode(raw)
        return value if isinstance(value, tuple) else None

    def get(self, key: str, levels: Sequence[str] = ()) -> Entry | None:
        return self._decode(self._redis().get(self._make(key)))

    async def aget(self, key: str, levels: Sequence[str] = ()) -> Entry | None:
        clients = self._aclients_of_loop()
        client = clients.take()
        try:
            raw = await client.get(self._make(key))
        finally:
            clients.give(client)
        return self._decode(raw)

    def _px(self, timeout: float | None) -> int | None:
        return None if timeout is None else max(1, int(timeout * 1000))

    def set(self, key: str, entry: Entry, expiry: float | None) -> None:
        self._redis(True).set(self._make(key), self._client.encode(entry), px=self._px(expiry))

    async def aset(self, key: str, entry: Entry, expiry: float | None) -> None:
        data = self._client.encode(entry)
        async with self._aclients_of_loop().client() as client:
            await client.set(self._make(key), data, px=self._px(expiry))

    def delete(self, key: str) -> bool:
        return bool(self._redis(True).unlink(self._make(key)))

    async def adelete(self, key: str) -> bool:
        async with self._aclients_of_loop().client() as client:
            return bool(await client.unlink(self._make(key)))

    def _pattern(self, prefix: str) -> str:
        return _glob_escape(self._make(prefix)) + "*"

    def _unlink(self, pattern: str, keep: Callable[[Any], bool] | None, *, dry_run: bool) -> int:
        """SCAN ``pattern`` and UNLINK what ``keep`` accepts (all when ``None``), in batches."""
        client = self._redis(True)
        count = 0
        batch: list[Any] = []
        for key in client.scan_iter(match=pattern, count=self._batch):
            if keep is None or keep(key):
                batch.append(key)
            if len(batch) >= self._batch:
                count += len(batch) if dry_run else client.unlink(*batch)
                batch = []
        if batch:
            count += len(batch) if dry_run else client.unlink(*batch)
        return count

    async def _aunlink(
        self, pattern: str, keep: Callable[[Any], bool] | None, *, dry_run: bool
    ) -> int:
        """Async twin of :meth:`_unlink`, on the native asyncio client."""
        count = 0
        batch: list[Any] = []
        async with self._aclients_of_loop().client() as client:
            async for key in client.scan_iter(match=pattern, count=self._batch):
                if keep is None or keep(key):
                    batch.append(key)
                if len(batch) >= self._batch:
                    count += len(batch) if dry_run else await client.unlink(*batch)
                    batch = []
            if batch:
                count += len(batch) if dry_run else await client.unlink(*batch)
        return count

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
        return bool(self._redis(True).set(self._make(name), token, nx=True, px=self._px(expiry)))

    async def aacquire(self, name: str, token: str, expiry: float) -> bool:
        async with self._aclients_of_loop().client() as client:
            return bool(await client.set(self._make(name), token, nx=True, px=self._px(expiry)))

    _RELEASE = (
        "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) "
        "else return 0 end"
    )

    def release(self, name: str, token: str) -> None:
        self._redis(True).eval(self._RELEASE, 1, self._make(name), token)

    async def arelease(self, name: str, token: str) -> None:
        async with self._aclients_of_loop().client() as client:
            await client.eval(self._RELEASE, 1, self._make(name), token)


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


_STORES: dict[str, Store] = {}


def _is_locmem(cache: BaseCache) -> bool:
    from django.core.cache.backends.locmem import LocMemCache

    return isinstance(cache, LocMemCache)


def _is_django_redis(cache: BaseCache) -> bool:
    return type(cache).__module__.startswith("django_redis.") and hasattr(cache, "client")


def get_store(alias: str) -> Store:
    """The store of cache ``alias`` (built once; reset when CACHES or the settings change)."""
    store = _STORES.get(alias)
    if store is not None:
        return store
    from restflow.caching.settings import CACHE_SETTINGS

    try:
        cache = caches[alias]
    except Exception as exc:
        raise ImproperlyConfigured(
            f"restflow-cache: cache alias {alias!r} is not in CACHES ({exc})."
        ) from exc
    strategy = CACHE_SETTINGS.PARTITION_STRATEGY
    scannable = _is_locmem(cache) or _is_django_redis(cache)
    if strategy == "scan" and not scannable:
        raise ImproperlyConfigured(
            f"CACHE_SETTINGS.PARTITION_STRATEGY is 'scan' but cache {alias!r} "
            f"({type(cache).__module__}.{type(cache).__name__}) cannot list keys; use 'auto' or "
            "'generation'."
        )
    if strategy == "generation" or not scannable:
        store = GenerationStore(alias, cache)
    elif _is_locmem(cache):
        store = LocMemStore(alias, cache)
    else:
        store = RedisStore(alias, cache, CACHE_SETTINGS.SCAN_BATCH_SIZE)
    _STORES[alias] = store
    return store


def reset_stores() -> None:
    """Forget every store (after a settings change)."""
    for store in _STORES.values():
        store.forget_closed_loops()
    _STORES.clear()
