"""The in-process dispatchers: ``inline``, ``threadpool`` and ``asyncio``."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Iterator

import pytest

from dispatchtests import tasks
from restflow.caching.dispatchers import Task, get_dispatcher
from restflow.caching.dispatchers.base import Dispatcher
from restflow.caching.dispatchers.threadpool import ThreadPoolDispatcher, _pool

LOGGER = "restflow.caching.dispatchers"


def record(key: str, value: object = None) -> Task:
    return Task("dispatchtests.tasks:record", {"key": key, "value": value}, f"record {key}")


def arecord(key: str) -> Task:
    return Task("dispatchtests.tasks:arecord", {"key": key}, f"arecord {key}")


def fail_until(key: str, failures: int) -> Task:
    return Task("dispatchtests.tasks:fail_until", {"key": key, "failures": failures}, f"fail {key}")


@pytest.fixture(autouse=True)
def _clean() -> Iterator[None]:
    tasks.reset()
    yield
    tasks.reset()


def dispatch(dispatcher: Dispatcher, batch: list[Task], path: str) -> None:
    """Dispatch through the sync or the async entry point."""
    if path == "sync":
        dispatcher.dispatch(batch)
    else:
        asyncio.run(dispatcher.adispatch(batch))


PATHS = ["sync", "async"]


# --- inline --------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", PATHS)
def test_inline_runs_the_batch_before_returning(path: str) -> None:
    dispatch(get_dispatcher("inline"), [record("a", 1), arecord("b")], path)
    assert [r.value for r in tasks.records("a")] == [1]
    assert [r.key for r in tasks.records("b")] == ["b"]


@pytest.mark.parametrize("path", PATHS)
def test_inline_logs_a_failing_task_and_still_runs_the_others(
    path: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, LOGGER):
        dispatch(get_dispatcher("inline"), [fail_until("bad", 9), record("good")], path)
    assert tasks.records("good")
    assert tasks.ATTEMPTS["bad"] == 1
    messages = [r.getMessage() for r in caplog.records if r.name == LOGGER]
    assert any("restflow task fail bad failed" in m for m in messages)
    assert any("gave up on 1 task(s) after 0 retries" in m for m in messages)


@pytest.mark.parametrize("path", PATHS)
def test_inline_retries_only_the_failed_tasks_up_to_max_retries(path: str) -> None:
    dispatcher = get_dispatcher("inline", {"max_retries": 2, "retry_delay": 0.01})
    dispatch(dispatcher, [fail_until("flaky", 2), record("once")], path)
    assert [r.value for r in tasks.records("flaky")] == [3]
    assert len(tasks.records("once")) == 1


@pytest.mark.parametrize("path", PATHS)
def test_inline_gives_up_after_max_retries(path: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, LOGGER):
        dispatch(get_dispatcher("inline", {"max_retries": 1}), [fail_until("hopeless", 5)], path)
    assert tasks.ATTEMPTS["hopeless"] == 2
    assert not tasks.records("hopeless")
    assert "gave up on 1 task(s) after 1 retry" in caplog.text


@pytest.mark.parametrize("path", PATHS)
def test_inline_logs_a_task_path_that_does_not_import(
    path: str, caplog: pytest.LogCaptureFixture
) -> None:
    missing = Task("dispatchtests.tasks:vanished", {}, "vanished")
    with caplog.at_level(logging.ERROR, LOGGER):
        dispatch(get_dispatcher("inline"), [missing, record("after")], path)
    assert tasks.records("after")
    assert "cannot import task 'dispatchtests.tasks:vanished'" in caplog.text


# --- threadpool ----------------------------------------------------------------------------------


def test_threadpool_runs_the_batch_in_a_named_pool_thread() -> None:
    dispatcher = ThreadPoolDispatcher(thread_name_prefix="rf-test-pool", max_workers=2)
    dispatcher.submit([record("t").to_payload()]).result(timeout=10)
    [run] = tasks.records("t")
    assert run.thread.startswith("rf-test-pool")
    assert run.thread != threading.current_thread().name


@pytest.mark.parametrize("path", PATHS)
def test_threadpool_dispatch_returns_before_the_task_ran(path: str) -> None:
    dispatcher = get_dispatcher("threadpool", {"thread_name_prefix": "rf-test-gate"})
    assert isinstance(dispatcher, ThreadPoolDispatcher)
    gate = threading.Event()
    # occupy every thread of the pool so the batch has to wait its turn
    pool = _pool(dispatcher.config["max_workers"], dispatcher.config["thread_name_prefix"])
    hold = [pool.submit(gate.wait, 10) for _ in range(dispatcher.config["max_workers"])]
    dispatch(dispatcher, [record("later")], path)
    assert tasks.records("later") == []
    gate.set()
    for future in hold:
        future.result(timeout=10)
    assert tasks.RAN.wait(10)
    assert tasks.records("later")[0].thread.startswith("rf-test-gate")


def test_threadpool_retries_and_logs_in_the_pool(caplog: pytest.LogCaptureFixture) -> None:
    dispatcher = ThreadPoolDispatcher(max_retries=1)
    with caplog.at_level(logging.ERROR, LOGGER):
        dispatcher.submit([fail_until("p1", 1).to_payload()]).result(timeout=10)
        dispatcher.submit([fail_until("p2", 5).to_payload()]).result(timeout=10)
    assert [r.value for r in tasks.records("p1")] == [2]
    assert tasks.ATTEMPTS["p2"] == 2
    assert "gave up on 1 task(s) after 1 retry" in caplog.text


def test_threadpool_dispatchers_with_the_same_settings_share_a_pool() -> None:
    assert _pool(3, "rf-share") is _pool(3, "rf-share")
    assert _pool(3, "rf-share") is not _pool(2, "rf-share")


# --- asyncio -------------------------------------------------------------------------------------


async def _settle(condition, turns: int = 200) -> None:  # type: ignore[no-untyped-def]
    for _ in range(turns):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the scheduled batch did not run")


@pytest.mark.parametrize("path", PATHS)
async def test_asyncio_schedules_the_batch_on_the_running_loop(path: str) -> None:
    dispatcher = get_dispatcher("asyncio")
    batch = [arecord("on-loop")]
    if path == "sync":
        dispatcher.dispatch(batch)  # e.g. a sync signal handler under an async view
    else:
        await dispatcher.adispatch(batch)
    assert tasks.records("on-loop") == []  # scheduled, not run in the caller
    await _settle(lambda: bool(tasks.records("on-loop")))
    [run] = tasks.records("on-loop")
    assert run.on_loop
    assert run.thread == threading.current_thread().name


async def test_asyncio_runs_a_sync_task_function_off_the_loop() -> None:
    await get_dispatcher("asyncio").adispatch([record("sync-fn")])
    await _settle(lambda: bool(tasks.records("sync-fn")))
    [run] = tasks.records("sync-fn")
    assert not run.on_loop


def test_asyncio_runs_inline_when_no_loop_is_running() -> None:
    get_dispatcher("asyncio").dispatch([arecord("no-loop"), record("no-loop-sync")])
    assert tasks.records("no-loop")
    assert tasks.records("no-loop-sync")


async def test_asyncio_retries_with_its_delay_and_logs_giving_up(
    caplog: pytest.LogCaptureFixture,
) -> None:
    dispatcher = get_dispatcher("asyncio", {"max_retries": 2, "retry_delay": 0.01})
    with caplog.at_level(logging.ERROR, LOGGER):
        await dispatcher.adispatch([fail_until("aflaky", 2), fail_until("ahopeless", 9)])
        await _settle(lambda: tasks.ATTEMPTS.get("ahopeless") == 3 and "gave up" in caplog.text)
    assert [r.value for r in tasks.records("aflaky")] == [3]
    assert "gave up on 1 task(s) after 2 retries" in caplog.text


async def test_asyncio_schedules_on_the_outer_loop_from_a_sync_to_async_thread() -> None:
    from asgiref.sync import sync_to_async

    dispatcher = get_dispatcher("asyncio")
    # like a sync ORM save (and its on_commit) under an async view
    later = Task("dispatchtests.tasks:arecord_when_opened", {"key": "outer"})
    await sync_to_async(dispatcher.dispatch)([later])
    assert tasks.records("outer") == []  # scheduled on the loop, not run in the thread
    tasks.gate("outer").set()
    await _settle(lambda: bool(tasks.records("outer")))
    [run] = tasks.records("outer")
    assert run.on_loop
    assert run.thread == threading.current_thread().name
