"""The async path of the throttles: LocMem on the loop, the fall-back contract for overrides."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.test import override_settings
from throttle_support import START, make_request, make_view, send

from restflow.throttling import AnonRateThrottle, ScopedRateThrottle, SimpleRateThrottle
from testsupport.clock import Clock

HANDLER = "restflow.exceptions.exception_handler"


class RecordingLocMem(LocMemCache):
    """LocMem that remembers the thread of every counter operation."""

    threads: list[int] = []

    def incr(self, *args: Any, **kwargs: Any) -> Any:
        self.threads.append(threading.get_ident())
        return super().incr(*args, **kwargs)

    def add(self, *args: Any, **kwargs: Any) -> Any:
        self.threads.append(threading.get_ident())
        return super().add(*args, **kwargs)


RECORDING = {
    "default": {
        "BACKEND": f"{__name__}.RecordingLocMem",
        "LOCATION": "throttle-recording",
    }
}


@pytest.fixture(autouse=True)
def _frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows never roll over mid-test (throttles declaring their own ``timer`` keep it)."""
    monkeypatch.setattr(SimpleRateThrottle, "timer", staticmethod(Clock(START)))


@pytest.fixture(autouse=True)
def _settings() -> Any:
    rest_framework = {
        "EXCEPTION_HANDLER": HANDLER,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/min", "uploads": "1/min"},
    }
    with override_settings(CACHES=RECORDING, REST_FRAMEWORK=rest_framework):
        caches["default"].clear()
        RecordingLocMem.threads.clear()
        yield
        caches["default"].clear()


async def test_locmem_counting_stays_on_the_event_loop_thread() -> None:
    view = make_view("async", [AnonRateThrottle])
    answers = [await send("async", view, make_request("async")) for _ in range(3)]
    assert [answer.status for answer in answers] == [200, 200, 429]
    assert len(RecordingLocMem.threads) >= 3
    assert set(RecordingLocMem.threads) == {threading.get_ident()}


async def test_async_scoped_throttle_counts_on_the_loop() -> None:
    view = make_view("async", [ScopedRateThrottle], throttle_scope="uploads")
    statuses = [(await send("async", view, make_request("async"))).status for _ in range(2)]
    assert statuses == [200, 429]
    assert set(RecordingLocMem.threads) == {threading.get_ident()}


class ThreadBoundKey(AnonRateThrottle):
    """A user override of ``get_cache_key``: not declared loop-safe, so it gets a thread."""

    seen: list[int] = []

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        self.seen.append(threading.get_ident())
        return f"custom_{self.get_ident(request)}"


class AsyncKey(AnonRateThrottle):
    """An ``async def get_cache_key`` override is awaited on the async path."""

    async def get_cache_key(self, request: Any, view: Any) -> str | None:  # type: ignore[override]
        return f"async_{self.get_ident(request)}"


async def test_sync_get_cache_key_override_runs_in_a_thread() -> None:
    ThreadBoundKey.seen.clear()
    view = make_view("async", [ThreadBoundKey])
    statuses = [(await send("async", view, make_request("async"))).status for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert ThreadBoundKey.seen and threading.get_ident() not in ThreadBoundKey.seen


async def test_async_get_cache_key_override_is_awaited() -> None:
    view = make_view("async", [AsyncKey])
    statuses = [(await send("async", view, make_request("async"))).status for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert any("async_10.0.0.1" in key for key in caches["default"]._cache)  # type: ignore[attr-defined]


def test_async_get_cache_key_override_is_bridged_on_the_sync_path() -> None:
    view = make_view("sync", [AsyncKey])
    statuses = [view(make_request("sync")).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert any("async_10.0.0.1" in key for key in caches["default"]._cache)  # type: ignore[attr-defined]


class SyncOnlyOverride(AnonRateThrottle):
    """Overriding only the sync ``allow_request`` wins on the async path too (in a thread)."""

    calls: list[int] = []

    def allow_request(self, request: Any, view: Any) -> bool:
        self.calls.append(threading.get_ident())
        return False


async def test_subclass_overriding_allow_request_is_honoured_on_the_async_path() -> None:
    SyncOnlyOverride.calls.clear()
    view = make_view("async", [SyncOnlyOverride])
    answer = await send("async", view, make_request("async"))
    assert answer.status == 429
    assert SyncOnlyOverride.calls and threading.get_ident() not in SyncOnlyOverride.calls
