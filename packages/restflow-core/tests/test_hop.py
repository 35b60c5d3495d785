"""``run_sync``: the thread ``sync_to_async(thread_sensitive=True)`` picks, and what it keeps."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import gc
import threading
from typing import Any

import pytest
from asgiref.sync import ThreadSensitiveContext, async_to_sync, sync_to_async
from django.test import TestCase

from coretests.models import Note
from restflow.core import _fastpaths
from restflow.core.hop import run_sync
from restflow.core.testing import count_hops

_asgiref_thread = sync_to_async(threading.get_ident, thread_sensitive=True)


async def _both_threads() -> tuple[int, int]:
    """The thread ``run_sync`` used, then the one ``sync_to_async`` uses right after."""
    ours = await run_sync(threading.get_ident)
    return ours, await _asgiref_thread()


async def test_on_a_plain_loop_it_uses_asgirefs_shared_sync_thread() -> None:
    ours, theirs = await _both_threads()
    assert ours == theirs
    assert ours != threading.get_ident()


async def test_in_a_thread_sensitive_context_it_uses_that_contexts_thread() -> None:
    outside = await _asgiref_thread()
    async with ThreadSensitiveContext():
        first = await _asgiref_thread()  # asgiref creates the context's thread
        ours, theirs = await _both_threads()
    assert ours == theirs == first
    assert ours != outside


async def test_first_hop_of_a_thread_sensitive_context_creates_its_thread() -> None:
    outside = await _asgiref_thread()
    async with ThreadSensitiveContext():
        ours, theirs = await _both_threads()  # run_sync hands this hop to asgiref
    assert ours == theirs
    assert ours != outside


def test_under_async_to_sync_it_runs_on_the_calling_sync_thread() -> None:
    caller = threading.get_ident()
    ours, theirs = async_to_sync(_both_threads)()
    assert ours == theirs == caller


async def test_a_bridge_back_inside_the_call_does_not_deadlock() -> None:
    def nested() -> tuple[int, int]:
        here = threading.get_ident()
        return here, async_to_sync(_asgiref_thread)()

    here, nested_thread = await asyncio.wait_for(run_sync(nested), timeout=5)
    assert nested_thread == here  # the nested hop came back to the waiting sync thread


_var: contextvars.ContextVar[str] = contextvars.ContextVar("restflow_hop_test", default="unset")


async def test_context_variables_are_visible_to_the_call() -> None:
    _var.set("caller")

    def read_then_write() -> str:
        seen = _var.get()
        _var.set("callee")
        return seen

    assert await run_sync(read_then_write) == "caller"
    # what the call set reaches the caller on asgiref's path only (not promised)
    assert _var.get() == ("caller" if _fastpaths.HOP else "callee")


async def test_arguments_and_exceptions_reach_the_caller() -> None:
    assert await run_sync(divmod, 17, 5) == (3, 2)
    assert await run_sync(int, "ff", base=16) == 255
    with pytest.raises(ZeroDivisionError):
        await run_sync(divmod, 1, 0)
    with pytest.raises(ValueError, match="invalid literal"):
        await run_sync(int, "x")


@pytest.mark.parametrize("outcome", ["returns", "raises"])
@pytest.mark.parametrize("path", ["own", "asgiref"])
async def test_a_cancelled_caller_stops_waiting_and_the_late_outcome_is_dropped_quietly(
    path: str, outcome: str
) -> None:
    """As when a view's timeout fires: the caller goes on at once, the call runs to its end.

    ``own``: run_sync's own hop (asgiref's shared thread); ``asgiref``: the first hop of a
    ``ThreadSensitiveContext``, which run_sync hands to ``sync_to_async``.
    """
    started, release, finished = threading.Event(), threading.Event(), threading.Event()

    def slow() -> str:
        started.set()
        release.wait(5)
        finished.set()
        if outcome == "raises":
            raise RuntimeError("the late failure nobody waits for")
        return "done"

    errors: list[dict[str, Any]] = []
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(lambda _loop, context: errors.append(context))
    async with contextlib.AsyncExitStack() as stack:
        if path == "asgiref":
            await stack.enter_async_context(ThreadSensitiveContext())
        task = asyncio.ensure_future(run_sync(slow))
        await asyncio.to_thread(started.wait, 5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert not finished.is_set()  # the caller did not wait for the call
        release.set()
        await asyncio.to_thread(finished.wait, 5)
        assert await run_sync(threading.get_ident)  # the thread is free again
    gc.collect()  # an unretrieved exception would be reported now
    await asyncio.sleep(0)
    assert errors == []  # the late result or exception was dropped quietly


async def test_count_hops_sees_run_sync_and_sync_to_async() -> None:
    with count_hops() as hops:
        await run_sync(threading.get_ident)
        await _asgiref_thread()
        await asyncio.sleep(0)
    assert hops == [threading.get_ident, threading.get_ident]
    assert len(hops) == 2


class RunSyncInATestCaseTransaction(TestCase):
    """An async test of a ``TestCase`` runs the ORM on the thread holding its transaction."""

    async def test_rows_written_in_the_test_transaction_are_read(self) -> None:
        await Note.objects.acreate(title="in the transaction")
        count = await run_sync(Note.objects.count)
        assert count == 1
        assert await run_sync(lambda: Note.objects.filter(pk__gt=0).exists())
