"""The redis-py clients of a django-redis cache alias: the one place restflow-cache builds them.

Sync calls use django-redis's own client (``cache.client.get_client()``): its connection pool,
serializer and compressor. Async calls use redis-py's asyncio client on the same server and
database, built from the alias's ``CACHES`` entry (the first server of ``LOCATION``, and the
``PASSWORD``, ``SOCKET_TIMEOUT`` and ``SOCKET_CONNECT_TIMEOUT`` options), one set per event loop.
:class:`RedisClients` is the whole interface :class:`~restflow.caching.stores.redis.RedisStore`
uses.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

from django.conf import settings
from django.core.cache import BaseCache

from restflow.caching._compat import require_redis_asyncio

__all__ = ["LoopClients", "RedisClients", "async_client_options"]

_TIMEOUTS = (
    ("SOCKET_TIMEOUT", "socket_timeout"),
    ("SOCKET_CONNECT_TIMEOUT", "socket_connect_timeout"),
)


def async_client_options(params: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """The URL and keyword arguments of a ``redis.asyncio.Redis`` for a ``CACHES`` entry.

    The first server of ``LOCATION`` (a comma-separated string or a list, as django-redis reads
    it): where django-redis writes. One connection per client (see :class:`LoopClients`).
    """
    location = params.get("LOCATION") or ""
    servers = location.split(",") if isinstance(location, str) else list(location)
    options = params.get("OPTIONS") or {}
    extra: dict[str, Any] = {"single_connection_client": True}
    if options.get("PASSWORD"):
        extra["password"] = options["PASSWORD"]
    for option, name in _TIMEOUTS:
        if option in options:
            extra[name] = options[option]
    return servers[0], extra


class LoopClients:
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

    @contextlib.asynccontextmanager
    async def client(self) -> AsyncIterator[Any]:
        """One client for the block, given back after it."""
        client = self.take()
        try:
            yield client
        finally:
            self.give(client)

    def discard(self) -> None:
        """Drop the clients of a closed loop.

        Their connections cannot be closed any more (that needs their loop); each client is
        detached from its connection, so nothing tries to, and the sockets close when the
        connections are collected.
        """
        clients, self._free = self._free, []
        for client in clients:
            client.connection = None


class RedisClients:
    """The sync client, the serializer and the per-loop asyncio clients of one alias."""

    def __init__(self, alias: str, cache: BaseCache) -> None:
        self._client = cache.client  # type: ignore[attr-defined]  # django-redis's client
        self._url, self._options = async_client_options(settings.CACHES[alias])
        self._loops: dict[asyncio.AbstractEventLoop, LoopClients] = {}

    def sync(self, write: bool = False) -> Any:
        """django-redis's redis-py client (a replica for reads when it has some)."""
        return self._client.get_client(write=write)

    def encode(self, value: Any) -> Any:
        """``value`` as django-redis stores it (its serializer and compressor)."""
        return self._client.encode(value)

    def decode(self, raw: Any) -> Any:
        """A stored value read back."""
        return self._client.decode(raw)

    def of_loop(self) -> LoopClients:
        """The asyncio clients of the running event loop."""
        loop = asyncio.get_running_loop()
        clients = self._loops.get(loop)
        if clients is None:
            self.forget_closed_loops()  # e.g. the loops of async_to_sync calls
            factory = require_redis_asyncio().Redis.from_url
            url, options = self._url, self._options
            clients = self._loops[loop] = LoopClients(lambda: factory(url, **options))
        return clients

    def forget_closed_loops(self) -> None:
        """Drop the asyncio clients of event loops that are closed."""
        for old in [old for old in self._loops if old.is_closed()]:
            self._loops.pop(old).discard()
