"""``run_sync``: one thread-sensitive hop for restflow's own blocking calls, for less.

``sync_to_async(func, thread_sensitive=True)(...)`` picks the thread the call
must run on (the sync thread below an ``async_to_sync``, the thread of the
current ``ThreadSensitiveContext`` -- one per request under Django's ASGI
handler --, the loop's, or asgiref's shared sync thread) and then does
bookkeeping meant for arbitrary user code: it copies context variables set in
the thread back into the caller, tracks the task for nested bridges and
re-homes ``Local`` storage. For a query restflow issues itself (the user a
token names, one page of rows) that bookkeeping is most of the hop's Python
cost. :func:`run_sync` picks the same thread by the same rules and only runs
the call there, in a copy of the caller's context (a fast path:
``restflow.core._fastpaths``; where it is off, it is ``sync_to_async``).
:func:`queue_sync` queues such a call without waiting for it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from asgiref.sync import sync_to_async

from restflow.core import _fastpaths

__all__ = ["queue_sync", "run_sync"]

_R = TypeVar("_R")


async def run_sync(func: Callable[..., _R], /, *args: Any, **kwargs: Any) -> _R:
    """Run the sync ``func(*args, **kwargs)`` where ``sync_to_async(thread_sensitive=True)`` would.

    For blocking calls restflow makes itself (ORM queries). Context variables
    are visible to ``func``; whether those it sets reach the caller is not
    promised (they do not on the fast path). A cancelled caller stops waiting
    at once and the call finishes in its thread, as with ``sync_to_async``.
    """
    if _fastpaths.HOP:
        return await _fastpaths.run_sync(func, *args, **kwargs)
    return await sync_to_async(func, thread_sensitive=True)(*args, **kwargs)


def queue_sync(func: Callable[..., _R], /, *args: Any, **kwargs: Any) -> asyncio.Future[_R] | None:
    """Queue ``func(*args, **kwargs)`` on :func:`run_sync`'s thread now; a future of its outcome.

    The call is in that thread's queue when this returns, ahead of any hop the
    caller makes after it (that thread runs its calls in order), so the caller
    may go on and await the future later. ``None`` when the call cannot be
    queued at once (the fast path is off, or asgiref has yet to make the
    thread): nothing was queued, use :func:`run_sync`. Call it from a coroutine
    on the running loop.
    """
    if _fastpaths.HOP:
        return _fastpaths.start_sync(func, *args, **kwargs)
    return None
