"""Task, run_task and run_batch: what every dispatcher and every worker executes."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from dispatchtests import tasks
from restflow.caching.dispatchers import BatchError, Task, run_batch, run_task
from restflow.caching.dispatchers.base import arun_batch, arun_task

RECORD = "dispatchtests.tasks:record"
ARECORD = "dispatchtests.tasks:arecord"
FAIL_UNTIL = "dispatchtests.tasks:fail_until"


@pytest.fixture(autouse=True)
def _clean() -> Iterator[None]:
    tasks.reset()
    yield
    tasks.reset()


# --- Task ------------------------------------------------------------------------------------


def test_task_keeps_path_kwargs_and_description() -> None:
    task = Task(RECORD, {"key": "k", "value": 1}, description="record k")
    assert (task.path, task.kwargs, task.description) == (
        RECORD,
        {"key": "k", "value": 1},
        "record k",
    )
    assert str(task) == "record k"
    assert str(Task(RECORD, {})) == RECORD


def test_task_round_trips_through_its_json_payload() -> None:
    task = Task(RECORD, {"key": "k", "value": [1, "a", None]}, description="d")
    assert Task.from_payload(task.to_payload()) == task


@pytest.mark.parametrize("path", ["", "nocolon", 42, "module:"])
def test_task_rejects_a_path_that_names_no_function(path: object) -> None:
    with pytest.raises(TypeError, match=r"Task\.path must be 'package\.module:function'"):
        Task(path, {})  # type: ignore[arg-type]


def test_task_accepts_a_dotted_path_without_colon() -> None:
    run_task("dispatchtests.tasks.record", {"key": "dotted"})
    assert [r.key for r in tasks.records("dotted")] == ["dotted"]


def test_task_rejects_kwargs_that_are_not_json_serialisable() -> None:
    with pytest.raises(TypeError, match="must be JSON-serialisable"):
        Task(RECORD, {"key": object()})


def test_task_rejects_kwargs_with_non_string_keys() -> None:
    with pytest.raises(TypeError, match="dict with str keys"):
        Task(RECORD, {1: "x"})  # type: ignore[dict-item]


# --- run_task ----------------------------------------------------------------------------------


def test_run_task_calls_a_sync_function_with_the_kwargs() -> None:
    run_task(RECORD, {"key": "sync", "value": 7})
    [record] = tasks.records("sync")
    assert record.value == 7


def test_run_task_runs_an_async_function_to_completion() -> None:
    run_task(ARECORD, {"key": "async", "value": 8})
    [record] = tasks.records("async")
    assert record.value == 8
    assert record.on_loop


async def test_arun_task_awaits_an_async_function_on_the_running_loop() -> None:
    await arun_task(ARECORD, {"key": "aasync", "value": 9})
    [record] = tasks.records("aasync")
    assert record.on_loop


async def test_arun_task_runs_a_sync_function_off_the_loop() -> None:
    await arun_task(RECORD, {"key": "asyncsync"})
    [record] = tasks.records("asyncsync")
    assert not record.on_loop


def test_run_task_propagates_the_exception_so_a_broker_can_retry() -> None:
    with pytest.raises(RuntimeError, match="attempt 1 fails on purpose"):
        run_task(FAIL_UNTIL, {"key": "f", "failures": 1})


@pytest.mark.parametrize(
    ("path", "error", "match"),
    [
        ("dispatchtests.no_such_module:f", ImportError, "cannot import task"),
        ("dispatchtests.tasks:no_such_function", ImportError, "cannot import task"),
        ("dispatchtests.tasks:NOT_A_FUNCTION", TypeError, "is not callable"),
    ],
)
def test_run_task_names_a_path_it_cannot_resolve(
    path: str, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        run_task(path, {})


# --- run_batch ---------------------------------------------------------------------------------

BATCH = [
    Task(FAIL_UNTIL, {"key": "bad", "failures": 5}, "bad one").to_payload(),
    Task(RECORD, {"key": "good"}).to_payload(),
]


def test_run_batch_runs_every_task_and_raises_naming_only_the_failed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with (
        caplog.at_level(logging.ERROR, "restflow.caching.dispatchers"),
        pytest.raises(BatchError, match=r"1 task\(s\) failed: bad one") as info,
    ):
        run_batch(BATCH)
    assert [r.key for r in tasks.records("good")] == ["good"]
    assert info.value.failed == [BATCH[0]]
    assert isinstance(info.value.errors[0], RuntimeError)
    assert any("bad one" in r.getMessage() for r in caplog.records)


async def test_arun_batch_runs_every_task_and_raises_naming_only_the_failed() -> None:
    with pytest.raises(BatchError) as info:
        await arun_batch(BATCH)
    assert [r.key for r in tasks.records("good")] == ["good"]
    assert info.value.failed == [BATCH[0]]
