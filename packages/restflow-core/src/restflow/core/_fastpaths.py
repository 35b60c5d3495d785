"""Fast paths through other libraries' internals: the only place restflow.core uses them.

Each path does what a public API does, for less, by reading or writing an
internal of DRF or asgiref. Each is detected once, at import: it is on only
when the internals exist with the shape this module expects, and
``RESTFLOW_FAST_PATHS=0`` in the environment (read at import) turns all of
them off. Off, restflow takes the public path: the same result (the tests
call both and compare), more time.

- :data:`AUTH`: :func:`record_authentication` writes what the async loop's
  authentication found on DRF's ``Request`` the way DRF's ``_authenticate``
  does (``_authenticator``, ``_not_authenticated()``). Public path: DRF's own
  ``_authenticate``, driven by reading ``request.user`` once with the
  authenticators narrowed to the one that answered (``dispatch``).
- :data:`HOP`: :func:`run_sync` runs a sync call on the thread
  ``sync_to_async(thread_sensitive=True)`` would pick, picked by the same
  rules from asgiref's own state (``AsyncToSync.executors``,
  ``SyncToAsync.thread_sensitive_context``, ``context_to_thread_executor``,
  ``loop_thread_executors``, ``deadlock_context``, ``single_thread_executor``,
  ``threadlocal``), without asgiref's per-call bookkeeping. Context variables
  the call sets stay in its thread. Wherever asgiref would create a thread or
  refuse the call, it calls ``sync_to_async``. Public path: ``sync_to_async``.
"""

from __future__ import annotations

import asyncio
import contextvars
import os
import threading
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any, TypeVar

from asgiref.sync import AsyncToSync, SyncToAsync, sync_to_async
from rest_framework.request import Request

_R = TypeVar("_R")

ENABLED = os.environ.get("RESTFLOW_FAST_PATHS", "1").strip() != "0"
"""False when ``RESTFLOW_FAST_PATHS=0``: every path below is off."""


def _uses(function: object, *names: str) -> bool:
    """Whether ``function``'s code reads the attributes ``names`` (the shape it expects)."""
    code = getattr(function, "__code__", None)
    return code is not None and set(names) <= set(code.co_names)


# -- AUTH: the authentication outcome written on DRF's Request ----------------------


def _detect_auth() -> bool:
    drf: Any = Request
    return _uses(drf._authenticate, "_authenticator", "_not_authenticated") and _uses(
        drf.successful_authenticator.fget, "_authenticator"
    )


AUTH = ENABLED and _detect_auth()
"""Whether :func:`record_authentication` may be used (else: DRF's own, replayed)."""


def record_authentication(request: Request, found: tuple[Any, Any] | None) -> None:
    """Set what DRF's ``Request._authenticate`` sets, from what the loop found."""
    untyped: Any = request
    if found is None:
        untyped._not_authenticated()
    else:
        untyped._authenticator = found[0]
        request.user, request.auth = found[1]


# -- HOP: asgiref's thread choice without its per-call bookkeeping -----------------

_HOP_STATE = (
    "executors",
    "thread_sensitive_context",
    "context_to_thread_executor",
    "loop_thread_executors",
    "deadlock_context",
    "single_thread_executor",
)


def _detect_hop() -> bool:
    """asgiref's ``SyncToAsync.__call__`` picks its thread from the state this path reads."""
    try:
        ok = (
            _uses(SyncToAsync.__call__, *_HOP_STATE)
            and _uses(SyncToAsync.thread_handler, "threadlocal", "main_event_loop")
            and isinstance(SyncToAsync.thread_sensitive_context, contextvars.ContextVar)
            and isinstance(SyncToAsync.deadlock_context, contextvars.ContextVar)
            and isinstance(SyncToAsync.single_thread_executor, Executor)
            and isinstance(SyncToAsync.threadlocal, threading.local)
            and isinstance(AsyncToSync.loop_thread_executors, dict)
            and hasattr(SyncToAsync.context_to_thread_executor, "get")
            and isinstance(AsyncToSync.executors._storage._data, contextvars.ContextVar)
        )
    except AttributeError:
        return False
    return ok


HOP = ENABLED and _detect_hop()
"""Whether :func:`run_sync` may pick the thread itself (else: ``sync_to_async``)."""

if HOP:
    _OUTER_SYNC_THREAD = AsyncToSync.executors
    # The context variable behind that asgiref ``Local``: empty in this context means the
    # ``Local`` has no ``current`` either; reading it first spares the ``Local``'s lock.
    _OUTER_SYNC_THREAD_VAR: contextvars.ContextVar[Any] = AsyncToSync.executors._storage._data
    _LOOP_EXECUTORS = AsyncToSync.loop_thread_executors
    _CONTEXT = SyncToAsync.thread_sensitive_context
    _CONTEXT_EXECUTORS = SyncToAsync.context_to_thread_executor
    _DEADLOCK = SyncToAsync.deadlock_context
    _SHARED_THREAD = SyncToAsync.single_thread_executor
    _THREAD_STATE = SyncToAsync.threadlocal


def _executor(loop: asyncio.AbstractEventLoop) -> tuple[Executor | None, bool]:
    """The executor ``sync_to_async(thread_sensitive=True)`` would use right now.

    Returns ``(executor, shared)``; ``executor`` is ``None`` where asgiref has
    to take over (create a context's thread, or refuse a call that would
    deadlock). ``shared`` is true for asgiref's process-wide sync thread.
    """
    outer = None
    if _OUTER_SYNC_THREAD_VAR.get(None) is not None:
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
    """Run ``func(*args, **kwargs)`` on the thread ``sync_to_async(thread_sensitive=True)`` picks.

    Only call it when :data:`HOP` is true.
    """
    future = start_sync(func, *args, **kwargs)
    if future is None:
        return await sync_to_async(func, thread_sensitive=True)(*args, **kwargs)
    return await future


def start_sync(func: Callable[..., _R], /, *args: Any, **kwargs: Any) -> asyncio.Future[_R] | None:
    """Queue ``func(*args, **kwargs)`` on that thread now; its outcome as a future.

    ``None`` (nothing queued) where asgiref has to take over. Only call it when
    :data:`HOP` is true, from a coroutine on the running loop.
    """
    loop = asyncio.get_running_loop()
    executor, shared = _executor(loop)
    if executor is None:
        return None
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
    return future
