"""The redis-py clients of one Redis server: one sync client, one asyncio client per loop.

Both are built from the same public configuration (a URL and connection keyword
arguments). An asyncio client belongs to the event loop it first ran on; it is closed
when that loop shuts down (``asyncio.run``, asgiref's ``async_to_sync``, pytest-asyncio
and every loop that calls ``loop.shutdown_asyncgens()`` before closing): a small async
generator started on the loop holds the client, and the loop closes that generator, which
closes the client, on its way out. Clients of loops closed without that are dropped the
next time a loop needs a client (their sockets close when collected).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator
from typing import Any

from restflow.asynccache import _compat

__all__ = ["RedisClients"]


class RedisClients:
    """redis-py clients for ``url`` with connection keyword arguments ``options``."""

    def __init__(self, url: str, options: dict[str, Any]) -> None:
        self.url = url
        self.options = options
        self._sync: Any = None
        self._loops: dict[asyncio.AbstractEventLoop, tuple[Any, AsyncIterator[None]]] = {}
        self._lock = threading.Lock()

    def sync(self) -> Any:
        """The sync client (thread-safe: its pool lends one connection per command)."""
        client = self._sync
        if client is None:
            redis = _compat.redis
            assert redis is not None  # checked when the mode was decided
            with self._lock:
                if self._sync is None:
                    pool = redis.ConnectionPool.from_url(self.url, **self.options)
                    self._sync = redis.Redis(connection_pool=pool)
                client = self._sync
        return client

    async def aclient(self) -> Any:
        """The asyncio client of the running event loop."""
        entry = self._loops.get(asyncio.get_running_loop())
        if entry is None:
            return await self._start()
        return entry[0]

    async def _start(self) -> Any:
        loop = asyncio.get_running_loop()
        redis_asyncio = _compat.redis_asyncio
        assert redis_asyncio is not None  # checked when the mode was decided
        pool = redis_asyncio.ConnectionPool.from_url(self.url, **self.options)
        client = redis_asyncio.Redis(connection_pool=pool)
        holder = self._hold(loop, client)
        await holder.__anext__()  # now the loop knows it and closes it on shutdown
        with self._lock:
            for old in [old for old in self._loops if old.is_closed()]:
                del self._loops[old]
            self._loops[loop] = (client, holder)
        return client

    async def _hold(self, loop: asyncio.AbstractEventLoop, client: Any) -> AsyncIterator[None]:
        try:
            yield
        finally:
            with self._lock:
                if self._loops.get(loop, (None,))[0] is client:
                    del self._loops[loop]
            await client.aclose()
            await client.connection_pool.disconnect()  # the client does not own the pool

    async def aclose(self) -> None:
        """Close the running loop's asyncio client (a new one is made when needed)."""
        entry = self._loops.get(asyncio.get_running_loop())
        if entry is not None:
            await entry[1].aclose()  # type: ignore[attr-defined]

    def close(self) -> None:
        """Close every client: the sync pool now, each live loop's client on its loop."""
        with self._lock:
            entries, self._loops = list(self._loops.items()), {}
            client, self._sync = self._sync, None
        if client is not None:
            client.connection_pool.disconnect()
        for loop, (_, holder) in entries:
            if loop.is_closed():
                continue
            closing = holder.aclose()  # type: ignore[attr-defined]
            try:
                asyncio.run_coroutine_threadsafe(closing, loop)
            except RuntimeError:  # the loop closed meanwhile
                with contextlib.suppress(RuntimeError):
                    closing.close()
