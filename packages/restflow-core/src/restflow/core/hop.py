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
the call there, in a copy of the caller's context.

It differs from ``sync_to_async`` in one way: context variables the call sets
are not copied back to the caller. Wherever asgiref would have to create the
thread first (the first hop of a ``ThreadSensitiveContext``) or would refuse
the call, and whenever asgiref's internals are not what this module expects,
it simply calls ``sync_to_async``.
"""

from __future__ import annotations

import asyncio
import contextvars
import os
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any, TypeVar

from asgiref.sync import AsyncToSync, SyncToAsync, sync_to_async

__all__ = ["run_sync"]

_R = TypeVar("_R")

try:  # asgiref's thread choice, the same attributes from 3.8 to 3.13
    _OUTER_SYNC_THREAD = AsyncToSync.executors
    _LOOP_EXECUTORS = AsyncToSync.loop_thread_executors
    _CONTEXT = SyncToAsync.thread_sensitive_context
    _CONTEXT_EXECUTORS = SyncToAsync.context_to_thread_executor
    _DEADLOCK = SyncToAsync.deadlock_context
    _SHARED_THREAD: Executor | None = SyncToAsync.single_thread_executor
    _THREAD_STATE = SyncToAsync.threadlocal
except AttributeError:  # pragma: no cover - a future asgiref: always take its own path
    _SHARED_THREAD = None

# The context variable behind ``AsyncToSync.executors`` (an asgiref ``Local``). When it
# holds nothing in this context the ``Local`` has no ``current`` either; reading the
# variable first spares the ``Local``'s lock and its failed lookup on every hop.
_OUTER_SYNC_THREAD_VAR: contextvars.ContextVar[Any] | None = getattr(
    getattr(getattr(AsyncToSync, "executors", None), "_storage", None), "_data", None
)
if not isinstance(_OUTER_SYNC_THREAD_VAR, contextvars.ContextVar):  # pragma: no cover
    _OUTER_SYNC_THREAD_VAR = None


def _executor(loop: asyncio.AbstractEventLoop) -> tuple[Executor | None, bool]:
    """The executor ``sync_to_async(thread_sensitive=True)`` would use right now.

    Returns ``(executor, shared)``; ``executor`` is ``None`` where asgiref has
    to take over (create a context's thread, or refuse a call that would
    deadlock). ``shared`` is true for asgiref's process-wide sync thread.
    """
    if _SHARED_THREAD is None:  # pragma: no cover
        return None, False
    if _OUTER_SYNC_THREAD_VAR is not None and _OUTER_SYNC_THREAD_VAR.get(None) is None:
        outer = None
    else:
        outer = getattr(_OUTER_SYNC_THREAD, "current", None)
    if outer:
        return outer, False
    context = _CONTEXT.get(None)
    if context:
        if getattr(context, "_exited", False):
            return None, False
        return _CONTEXT_EXECUTORS.get(context), False
    own = _LOOP_EXECUTORS.get(loop)
    if own:
        return own, False
    if _DEADLOCK.get(False):
        return None, False
    return _SHARED_THREAD, True


def _start(executor: Executor, func: Callable[..., Any], work: Callable[[], None]) -> None:
    """Hand ``work`` (which runs ``func``) to ``executor``: the one place tests count hops."""
    executor.submit(work)


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.cancelled():  # the caller stopped waiting; the call ran to its end anyway
        return
    if error is None:
        future.set_result(result)
    else:
        future.set_exception(error)


async def run_sync(func: Callable[..., _R], /, *args: Any, **kwargs: Any) -> _R:
    """Run the sync ``func(*args, **kwargs)`` where ``sync_to_async(thread_sensitive=True)`` would.

    For blocking calls restflow makes itself (ORM queries). Context variables
    are visible to ``func``; those it sets stay in its thread. A cancelled
    caller stops waiting at once and the call finishes in its thread, as
    with ``sync_to_async``.
    """
    loop = asyncio.get_running_loop()
    executor, shared = _executor(loop)
    if executor is None:
        return await sync_to_async(func, thread_sensitive=True)(*args, **kwargs)
    future: asyncio.Future[_R] = loop.create_future()
    if shared:  # as asgiref does: a nested bridge in that thread must not queue behind us
        _DEADLOCK.set(True)
    context = contextvars.copy_context()

    def work() -> None:
        if getattr(_THREAD_STATE, "main_event_loop", None) is not loop:
            _THREAD_STATE.main_event_loop = loop  # async_to_sync inside ``func`` uses this loop
            _THREAD_STATE.main_event_loop_pid = os.getpid()
        result: Any = None
        error: BaseException | None = None
        try:
            result = context.run(func, *args, **kwargs)
        except BaseException as raised:
            error = raised
        try:
            loop.call_soon_threadsafe(_settle, future, result, error)
        except RuntimeError:  # the loop closed while the call ran: nobody is waiting
            pass

    try:
        _start(executor, func, work)
    finally:
        if shared:
            _DEADLOCK.set(False)
    return await future
