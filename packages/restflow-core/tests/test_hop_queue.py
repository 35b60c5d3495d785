"""``queue_sync``: a call queued on ``run_sync``'s thread at once, ahead of the caller's later hops."""

from __future__ import annotations

import threading

import pytest
from asgiref.sync import ThreadSensitiveContext, async_to_sync, sync_to_async

from restflow.core import _fastpaths, queue_sync, run_sync

pytestmark = pytest.mark.skipif(
    not _fastpaths.HOP, reason="RESTFLOW_FAST_PATHS=0: nothing is queued (see the last test)"
)

_asgiref_thread = sync_to_async(threading.get_ident, thread_sensitive=True)


async def _queued_then_hops(order: list[str]) -> tuple[int, int, int]:
    """Queue a call, make two hops without awaiting it; the threads of all three."""
    started = threading.Event()

    def queued() -> int:
        started.wait(0.2)  # the hops below are queued meanwhile; they still run after this call
        order.append("queued")
        return threading.get_ident()

    def later() -> int:
        order.append("later")
        return threading.get_ident()

    future = queue_sync(queued)
    assert future is not None
    theirs = await sync_to_async(later, thread_sensitive=True)()
    ours = await run_sync(later)
    started.set()
    return await future, theirs, ours


async def test_on_a_plain_loop_it_runs_before_the_hops_that_follow() -> None:
    order: list[str] = []
    threads = await _queued_then_hops(order)
    assert order == ["queued", "later", "later"]
    assert len(set(threads)) == 1 and threads[0] != threading.get_ident()


async def test_in_a_thread_sensitive_context_it_uses_that_contexts_thread() -> None:
    order: list[str] = []
    async with ThreadSensitiveContext():
        first = await _asgiref_thread()  # asgiref creates the context's thread
        threads = await _queued_then_hops(order)
    assert order == ["queued", "later", "later"]
    assert set(threads) == {first}


async def test_where_asgiref_must_make_the_thread_nothing_is_queued() -> None:
    ran: list[int] = []
    async with ThreadSensitiveContext():
        assert queue_sync(ran.append, 1) is None  # the context has no thread yet
    assert ran == []


def test_under_async_to_sync_it_queues_on_the_calling_sync_thread() -> None:
    caller = threading.get_ident()

    async def queued_thread() -> int:
        future = queue_sync(threading.get_ident)
        assert future is not None
        return await future

    assert async_to_sync(queued_thread)() == caller


async def test_the_callers_outcome_is_the_calls() -> None:
    future = queue_sync(divmod, 7, 2)
    assert future is not None and await future == (3, 1)
    failing = queue_sync(divmod, 1, 0)
    assert failing is not None
    with pytest.raises(ZeroDivisionError):
        await failing
