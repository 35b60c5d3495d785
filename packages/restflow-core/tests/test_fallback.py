"""The fall-back contract (DESIGN.md §3): every row, every kind of callable, both paths."""

from __future__ import annotations

import asyncio
import functools
import threading
from typing import Any

import pytest
from asgiref.sync import markcoroutinefunction

from restflow.core import fallback
from restflow.core.fallback import (
    HookMode,
    acall,
    acall_hook,
    afirst_hook,
    call,
    call_hook,
    hook_mode,
    is_async_callable,
    mark_loop_safe,
)


def sync_func(x: int) -> tuple[str, int, str]:
    return ("sync", x, threading.current_thread().name)


async def async_func(x: int) -> tuple[str, int, str]:
    return ("async", x, threading.current_thread().name)


def sync_returning_awaitable(x: int) -> Any:
    return async_func(x)


class Holder:
    def sync_method(self, x: int) -> tuple[str, int, str]:
        return sync_func(x)

    async def async_method(self, x: int) -> tuple[str, int, str]:
        return await async_func(x)


class SyncCallable:
    def __call__(self, x: int) -> tuple[str, int, str]:
        return sync_func(x)


class AsyncCallable:
    async def __call__(self, x: int) -> tuple[str, int, str]:
        return await async_func(x)


def _marked_impl(x: int) -> Any:
    return async_func(x)


marked = markcoroutinefunction(_marked_impl)

SYNC_CALLABLES = {
    "function": sync_func,
    "bound method": Holder().sync_method,
    "partial": functools.partial(sync_func),
    "partial of partial": functools.partial(functools.partial(sync_func)),
    "callable object": SyncCallable(),
}
ASYNC_CALLABLES = {
    "function": async_func,
    "bound method": Holder().async_method,
    "partial": functools.partial(async_func),
    "callable object": AsyncCallable(),
    "markcoroutinefunction": marked,
}


@pytest.mark.parametrize("func", SYNC_CALLABLES.values(), ids=SYNC_CALLABLES.keys())
def test_sync_callables_are_detected_as_sync(func: Any) -> None:
    assert is_async_callable(func) is False


@pytest.mark.parametrize("func", ASYNC_CALLABLES.values(), ids=ASYNC_CALLABLES.keys())
def test_async_callables_are_detected_as_async(func: Any) -> None:
    assert is_async_callable(func) is True


@pytest.mark.parametrize("func", SYNC_CALLABLES.values(), ids=SYNC_CALLABLES.keys())
async def test_async_caller_runs_sync_callee_in_a_thread(func: Any) -> None:
    kind, value, thread = await acall(func, 3)
    assert (kind, value) == ("sync", 3)
    assert thread != threading.current_thread().name


@pytest.mark.parametrize("func", ASYNC_CALLABLES.values(), ids=ASYNC_CALLABLES.keys())
async def test_async_caller_awaits_async_callee_on_the_loop(func: Any) -> None:
    kind, value, thread = await acall(func, 4)
    assert (kind, value) == ("async", 4)
    assert thread == threading.current_thread().name


async def test_async_caller_awaits_what_a_sync_callee_returns() -> None:
    assert (await acall(sync_returning_awaitable, 5))[:2] == ("async", 5)


async def test_loop_safe_sync_callee_runs_on_the_loop() -> None:
    @mark_loop_safe
    def pure(x: int) -> str:
        return threading.current_thread().name

    assert await acall(pure, 1) == threading.current_thread().name


@pytest.mark.parametrize("func", SYNC_CALLABLES.values(), ids=SYNC_CALLABLES.keys())
def test_sync_caller_calls_sync_callee(func: Any) -> None:
    kind, value, thread = call(func, 6)
    assert (kind, value, thread) == ("sync", 6, threading.current_thread().name)


@pytest.mark.parametrize("func", ASYNC_CALLABLES.values(), ids=ASYNC_CALLABLES.keys())
def test_sync_caller_bridges_async_callee(func: Any) -> None:
    assert call(func, 7)[:2] == ("async", 7)


def test_sync_caller_bridges_awaitable_returned_by_sync_callee() -> None:
    assert call(sync_returning_awaitable, 8)[:2] == ("async", 8)


async def test_sync_caller_inside_the_loop_thread_gets_a_clear_error() -> None:
    with pytest.raises(RuntimeError, match="event loop"):
        call(async_func, 1)


# -- hooks ------------------------------------------------------------------


class SyncOnly:
    def check(self, value: int) -> str:
        return f"sync:{value}:{threading.current_thread().name}"


class NativeTwin:
    def check(self, value: int) -> str:
        return "sync"

    async def acheck(self, value: int) -> str:
        return f"native:{value}:{threading.current_thread().name}"


class AsyncOverride(SyncOnly):
    async def check(self, value: int) -> str:  # type: ignore[override]
        return f"override:{value}:{threading.current_thread().name}"


class SyncOverrideOfNative(NativeTwin):
    """Overrides only the sync hook: the most derived definition must win."""

    def check(self, value: int) -> str:
        return f"subclass-sync:{value}"


class AsyncOnly:
    async def acheck(self, value: int) -> str:
        return f"async-only:{value}"


class LoopSafe:
    @mark_loop_safe
    def check(self, value: int) -> str:
        return f"loop:{value}:{threading.current_thread().name}"


class LoopSafeOverridden(LoopSafe):
    def check(self, value: int) -> str:
        return f"overridden:{value}:{threading.current_thread().name}"


@pytest.mark.parametrize(
    ("cls", "mode"),
    [
        (SyncOnly, HookMode.THREAD),
        (NativeTwin, HookMode.NATIVE),
        (AsyncOverride, HookMode.AWAIT),
        (SyncOverrideOfNative, HookMode.THREAD),
        (AsyncOnly, HookMode.NATIVE),
        (LoopSafe, HookMode.LOOP),
        (LoopSafeOverridden, HookMode.THREAD),
    ],
)
def test_hook_mode_per_class(cls: type, mode: HookMode) -> None:
    assert hook_mode(cls, "check") is mode
    assert hook_mode(cls(), "check") is mode


async def test_acall_hook_prefers_native_twin_on_the_loop() -> None:
    loop_thread = threading.current_thread().name
    assert await acall_hook(NativeTwin(), "check", 1) == f"native:1:{loop_thread}"


async def test_acall_hook_runs_sync_hook_in_a_thread() -> None:
    result = await acall_hook(SyncOnly(), "check", 2)
    assert result.startswith("sync:2:")
    assert not result.endswith(threading.current_thread().name)


async def test_acall_hook_awaits_async_override_of_sync_hook() -> None:
    loop_thread = threading.current_thread().name
    assert await acall_hook(AsyncOverride(), "check", 3) == f"override:3:{loop_thread}"


async def test_acall_hook_runs_sync_override_of_a_native_class() -> None:
    assert await acall_hook(SyncOverrideOfNative(), "check", 4) == "subclass-sync:4"


async def test_acall_hook_loop_safe_stays_on_loop_but_override_does_not() -> None:
    loop_thread = threading.current_thread().name
    assert await acall_hook(LoopSafe(), "check", 5) == f"loop:5:{loop_thread}"
    assert not (await acall_hook(LoopSafeOverridden(), "check", 5)).endswith(loop_thread)


def test_call_hook_from_sync_code_covers_every_shape() -> None:
    assert call_hook(SyncOnly(), "check", 1).startswith("sync:1:")
    assert call_hook(NativeTwin(), "check", 1) == "sync"
    assert call_hook(AsyncOverride(), "check", 1).startswith("override:1:")
    assert call_hook(AsyncOnly(), "check", 1) == "async-only:1"


def test_call_hook_bridges_an_async_twin_more_derived_than_the_sync_hook() -> None:
    class Base:
        def check(self, value: int) -> str:
            return "base-sync"

    class AsyncChild(Base):
        async def acheck(self, value: int) -> str:
            return f"child-async:{value}"

    class SyncGrandchild(AsyncChild):
        def check(self, value: int) -> str:
            return f"grandchild-sync:{value}"

    assert call_hook(AsyncChild(), "check", 2) == "child-async:2"
    assert call_hook(SyncGrandchild(), "check", 2) == "grandchild-sync:2"
    assert hook_mode(AsyncChild, "check") is HookMode.NATIVE
    assert hook_mode(SyncGrandchild, "check") is HookMode.THREAD


def test_hook_without_either_method_is_an_attribute_error() -> None:
    class Nothing:
        pass

    with pytest.raises(AttributeError, match="Nothing defines neither 'check' nor 'acheck'"):
        hook_mode(Nothing, "check")


def test_sync_async_twin_is_a_type_error() -> None:
    class WrongTwin:
        def acheck(self, value: int) -> str:
            return "not async"

    with pytest.raises(TypeError, match=r"WrongTwin.acheck must be declared with 'async def'"):
        hook_mode(WrongTwin, "check")


def test_hook_decisions_are_cached_per_class(monkeypatch: pytest.MonkeyPatch) -> None:
    class Fresh:
        def check(self, value: int) -> int:
            return value

    calls: list[tuple[type, str]] = []
    original = fallback._decide

    def counting(cls: type, name: str) -> HookMode:
        calls.append((cls, name))
        return original(cls, name)

    monkeypatch.setattr(fallback, "_decide", counting)
    for _ in range(5):
        hook_mode(Fresh(), "check")
    asyncio.run(acall_hook(Fresh(), "check", 1))
    assert calls == [(Fresh, "check")]


def test_callable_decisions_are_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    def fresh(x: int) -> int:
        return x

    calls: list[object] = []
    original = fallback._inspect_async

    def counting(func: object) -> bool:
        calls.append(func)
        return original(func)

    monkeypatch.setattr(fallback, "_inspect_async", counting)
    for _ in range(5):
        is_async_callable(fresh)
    assert len(calls) == 1


# -- chains: one thread hop per run of sync hooks ----------------------------


class Recording:
    def __init__(self, answer: Any, log: list[str], name: str) -> None:
        self.answer, self.log, self.name = answer, log, name

    def check(self, value: int) -> Any:
        self.log.append(f"{self.name}:{threading.current_thread().name}")
        return self.answer


class RecordingNative(Recording):
    async def acheck(self, value: int) -> Any:
        self.log.append(f"{self.name}:loop")
        return self.answer


@pytest.fixture
def hop_counter(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    hops: list[object] = []
    original = fallback.sync_to_async

    def counting(func: Any, **kwargs: Any) -> Any:
        hops.append(func)
        return original(func, **kwargs)

    monkeypatch.setattr(fallback, "sync_to_async", counting)
    return hops


async def test_afirst_hook_shares_one_hop_across_consecutive_sync_hooks(
    hop_counter: list[object],
) -> None:
    log: list[str] = []
    chain = [Recording(None, log, "a"), Recording(None, log, "b"), Recording("hit", log, "c")]
    found = await afirst_hook(chain, "check", 1, until=lambda r: r is not None)
    assert found == (chain[2], "hit")
    assert [entry.split(":")[0] for entry in log] == ["a", "b", "c"]
    assert len(hop_counter) == 1


async def test_afirst_hook_stops_at_first_match_and_mixes_modes(hop_counter: list[object]) -> None:
    log: list[str] = []
    chain = [
        Recording(None, log, "s1"),
        RecordingNative(None, log, "n1"),
        Recording(None, log, "s2"),
        Recording("hit", log, "s3"),
        Recording("never", log, "s4"),
    ]
    found = await afirst_hook(chain, "check", 1, until=lambda r: r is not None)
    assert found == (chain[3], "hit")
    assert [entry.split(":")[0] for entry in log] == ["s1", "n1", "s2", "s3"]
    assert log[1] == "n1:loop"
    assert len(hop_counter) == 2


async def test_afirst_hook_returns_none_when_nothing_matches() -> None:
    log: list[str] = []
    chain = [Recording(True, log, "a"), RecordingNative(True, log, "b")]
    assert await afirst_hook(chain, "check", 1, until=lambda r: not r) is None
    assert len(log) == 2


async def test_afirst_hook_awaits_awaitable_from_a_sync_hook_then_continues() -> None:
    class Lazy:
        def __init__(self, answer: Any) -> None:
            self.answer = answer

        def check(self, value: int) -> Any:
            async def later() -> Any:
                return self.answer

            return later()

    chain = [Lazy(None), Lazy("second")]
    found = await afirst_hook(chain, "check", 1, until=lambda r: r is not None)
    assert found == (chain[1], "second")


async def test_afirst_hook_propagates_exceptions() -> None:
    class Boom:
        def check(self, value: int) -> Any:
            raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        await afirst_hook([Boom()], "check", 1, until=bool)
