"""The ``asyncio`` dispatcher: runs tasks on the running event loop, else inline."""

from __future__ import annotations

import asyncio
from typing import ClassVar

from asgiref.sync import async_to_sync

from restflow.caching.dispatchers._options import Option
from restflow.caching.dispatchers.base import Dispatcher, Payload
from restflow.caching.dispatchers.inline import (
    LOCAL_OPTIONS,
    arun_with_retries,
    run_with_retries,
)

__all__ = ["AsyncioDispatcher"]

# the loop keeps only weak references to its tasks: hold them until done
_RUNNING: set[asyncio.Task[None]] = set()


async def _running_loop() -> asyncio.AbstractEventLoop:
    return asyncio.get_running_loop()


def _outer_loop() -> asyncio.AbstractEventLoop | None:
    """The loop of the async code that called this thread through ``sync_to_async``, if running.

    A sync ORM save under an async view runs in such a thread, so its ``on_commit`` callbacks
    do too; their tasks still belong on that loop. ``async_to_sync`` runs a coroutine on that
    loop when there is one, else on a loop of its own that is closed when it returns: a closed
    loop means there was none.
    """
    loop = async_to_sync(_running_loop)()
    return loop if loop.is_running() and not loop.is_closed() else None


class AsyncioDispatcher(Dispatcher):
    """Schedule each batch as a task on the event loop, and return at once.

    The loop is the one running in this thread or, from a thread that
    ``sync_to_async`` runs (a sync save under an async view), the loop that
    awaits it (found with ``async_to_sync``: a hop of about 0.1 ms). With no
    loop at all (a sync view under WSGI) the batch runs inline, after that
    check (about 1 ms: prefer ``inline`` or ``threadpool`` there). Async task
    functions run on the loop; sync ones in a thread, so a sync function
    touching the database never blocks the loop. The loop must outlive the
    work (an ASGI server's loop does; ``async_to_sync``'s short-lived loop may
    not). Config: ``max_retries``/``retry_delay`` as for ``inline`` (the delay
    is an ``asyncio.sleep``).
    """

    name: ClassVar[str] = "asyncio"
    options: ClassVar[dict[str, Option]] = LOCAL_OPTIONS

    def send(self, payload: Payload) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            outer = _outer_loop()
            if outer is None:
                run_with_retries(payload, self.config["max_retries"], self.config["retry_delay"])
            else:
                outer.call_soon_threadsafe(self._schedule, outer, payload)
            return
        self._schedule(loop, payload)

    async def asend(self, payload: Payload) -> None:
        self._schedule(asyncio.get_running_loop(), payload)

    def _schedule(self, loop: asyncio.AbstractEventLoop, payload: Payload) -> None:
        coro = arun_with_retries(payload, self.config["max_retries"], self.config["retry_delay"])
        task = loop.create_task(coro, name=f"restflow-cache: {len(payload)} task(s)")
        _RUNNING.add(task)
        task.add_done_callback(_RUNNING.discard)
