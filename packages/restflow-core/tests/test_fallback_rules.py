"""The two rules the fall-back helper owns for everyone: which of ``X`` / ``aX`` runs, and
one thread hop for a run of consecutive sync hooks (``hook_name``, ``afirst_hook``,
``achain_hooks``)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from restflow.core import (
    acall,
    acall_hook,
    achain_hooks,
    afirst_hook,
    call,
    call_hook,
    count_hops,
    hook_name,
    mark_loop_safe,
)


class SyncOnly:
    def check(self, value: int) -> str:
        return "sync"


class Both(SyncOnly):
    async def acheck(self, value: int) -> str:
        return "async"


class AsyncChild(SyncOnly):
    async def acheck(self, value: int) -> str:
        return "child-async"


class SyncGrandchild(AsyncChild):
    def check(self, value: int) -> str:
        return "grandchild-sync"


class BothOnOneLevel:
    def check(self, value: int) -> str:
        return "sync"

    async def acheck(self, value: int) -> str:
        return "async"


class AsyncOnly:
    async def acheck(self, value: int) -> str:
        return "async-only"


class AsyncOverride(SyncOnly):
    async def check(self, value: int) -> str:  # type: ignore[override]
        return "override"


class SyncNamedLikeATwin(SyncOnly):
    def acheck(self, value: int) -> str:
        return "not a twin"


# (class, hook the sync path runs, hook the async path runs)
CASES = [
    (SyncOnly, "check", "check"),
    (Both, "acheck", "acheck"),
    (AsyncChild, "acheck", "acheck"),
    (SyncGrandchild, "check", "check"),
    (BothOnOneLevel, "check", "acheck"),
    (AsyncOnly, "acheck", "acheck"),
    (AsyncOverride, "check", "check"),
    (SyncNamedLikeATwin, "check", "check"),
]


@pytest.mark.parametrize(("cls", "sync", "asynchronous"), CASES, ids=[c[0].__name__ for c in CASES])
@pytest.mark.parametrize("path", ["sync", "async"])
def test_hook_name_runs_the_more_derived_definition_and_the_callers_own_on_a_tie(
    cls: type, sync: str, asynchronous: str, path: str
) -> None:
    expected = asynchronous if path == "async" else sync
    assert hook_name(cls, "check", is_async=path == "async") == expected
    assert hook_name(cls(), "check", is_async=path == "async") == expected


@pytest.mark.parametrize(("cls", "sync", "asynchronous"), CASES, ids=[c[0].__name__ for c in CASES])
async def test_call_hook_and_acall_hook_run_what_hook_name_names(
    cls: type, sync: str, asynchronous: str
) -> None:
    obj = cls()
    assert await acall_hook(obj, "check", 1) == await acall(getattr(obj, asynchronous), 1)
    assert await sync_to_async(call_hook)(obj, "check", 1) == await sync_to_async(call)(
        getattr(obj, sync), 1
    )


@pytest.mark.parametrize("path", ["sync", "async"])
def test_hook_name_refuses_a_sync_twin_alone_and_a_missing_hook(path: str) -> None:
    class WrongTwin:
        def acheck(self, value: int) -> str:
            return "not async"

    class Nothing:
        pass

    with pytest.raises(TypeError, match=r"WrongTwin.acheck must be declared with 'async def'"):
        hook_name(WrongTwin, "check", is_async=path == "async")
    with pytest.raises(AttributeError, match="Nothing defines neither 'check' nor 'acheck'"):
        hook_name(Nothing, "check", is_async=path == "async")


# -- runs of hooks ----------------------------------------------------------------------


class Add:
    """A sync step: runs in a thread on the async path."""

    def __init__(self, amount: int, log: list[str]) -> None:
        self.amount, self.log = amount, log

    def step(self, value: int, scale: int) -> int:
        self.log.append(f"thread:{threading.current_thread().name}")
        return value + self.amount * scale


class NativeAdd(Add):
    async def astep(self, value: int, scale: int) -> int:
        self.log.append(f"loop:{threading.current_thread().name}")
        return value + self.amount * scale


class LoopSafeAdd(Add):
    @mark_loop_safe
    def step(self, value: int, scale: int) -> int:
        self.log.append(f"loop:{threading.current_thread().name}")
        return value + self.amount * scale


class LazyAdd(Add):
    """A sync step that answers with an awaitable (awaited on the loop, then the run goes on)."""

    def step(self, value: int, scale: int) -> Any:
        async def later() -> int:
            return value + self.amount * scale

        return later()


async def test_achain_hooks_feeds_each_result_to_the_next_hook() -> None:
    log: list[str] = []
    steps = [
        Add(1, log),
        Add(2, log),
        NativeAdd(3, log),
        LoopSafeAdd(4, log),
        Add(5, log),
        LazyAdd(6, log),
        Add(7, log),
    ]
    with count_hops() as hops:
        total = await achain_hooks(steps, "step", 0, lambda value: (value, 10))
    assert total == 280
    loop = threading.current_thread().name
    where = [entry.split(":")[0] for entry in log]
    assert where == ["thread", "thread", "loop", "loop", "thread", "thread"]
    assert all(entry == f"loop:{loop}" for entry in log if entry.startswith("loop"))
    assert all(not entry.endswith(f":{loop}") for entry in log if entry.startswith("thread"))
    # [1, 2] one hop; native and loop-safe none; [5, lazy 6, 7]: one hop up to the lazy
    # step's awaitable, then one for 7
    assert len(hops) == 3


async def test_achain_hooks_passes_the_value_alone_by_default_and_returns_it_unchanged_for_none() -> (
    None
):
    class Double:
        def step(self, value: int) -> int:
            return value * 2

    assert await achain_hooks([Double(), Double()], "step", 3) == 12
    assert await achain_hooks([], "step", 3) == 3


async def test_achain_hooks_propagates_exceptions_and_stops() -> None:
    log: list[str] = []

    class Boom:
        def step(self, value: int, scale: int) -> int:
            raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        await achain_hooks([Add(1, log), Boom(), Add(2, log)], "step", 0, lambda v: (v, 1))
    assert len(log) == 1


async def test_a_run_of_sync_hooks_takes_one_hop_whoever_drives_it() -> None:
    log: list[str] = []
    steps = [Add(1, log), Add(1, log), Add(1, log)]
    with count_hops() as hops:
        assert await achain_hooks(steps, "step", 0, lambda value: (value, 1)) == 3
        found = await afirst_hook(steps, "step", 0, 1, until=lambda result: result == 1)
    assert found == (steps[0], 1)
    assert len(hops) == 2
