"""Stampede protection: concurrent misses of one key compute once.

In a process, the first caller of a missing key computes it and the others wait for its
result (threads on an ``Event``, coroutines on a ``Future`` of their loop). Across
processes, when the store supports shared locks (Redis), the computing process also holds
a short Redis lock; other processes poll for the entry instead of computing it too, and
compute it themselves only when the lock times out.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import Any

__all__ = ["Flights"]


class _Flight:
    __slots__ = ("error", "event", "result")

    def __init__(self) -> None:
        self.event = threading.Event()
        self.result: Any = None
        self.error: BaseException | None = None


class Flights:
    """In-flight computations of one wrapper, by key."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sync: dict[str, _Flight] = {}
        self._async: dict[tuple[int, str], asyncio.Future[Any]] = {}

    def run(self, key: str, compute: Callable[[], Any]) -> tuple[Any, bool]:
        """``compute()`` once for concurrent callers of ``key``; ``(result, computed_here)``."""
        with self._lock:
            flight = self._sync.get(key)
            leader = flight is None
            if flight is None:
                flight = self._sync[key] = _Flight()
        if not leader:
            flight.event.wait()
            if flight.error is not None:
                raise flight.error
            return flight.result, False
        try:
            flight.result = compute()
        except BaseException as exc:
            flight.error = exc
            raise
        finally:
            with self._lock:
                self._sync.pop(key, None)
            flight.event.set()
        return flight.result, True

    async def arun(self, key: str, compute: Callable[[], Awaitable[Any]]) -> tuple[Any, bool]:
        """Async twin of :meth:`run` (per event loop)."""
        loop = asyncio.get_running_loop()
        slot = (id(loop), key)
        future = self._async.get(slot)
        if future is not None:
            return await asyncio.shield(future), False
        future = loop.create_future()
        self._async[slot] = future
        try:
            result = await compute()
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # mark retrieved: waiters re-raise it, nobody else must
            raise
        else:
            future.set_result(result)
        finally:
            self._async.pop(slot, None)
        return result, True
