"""The circuit breaker: opens after repeated failures, answers 503 with Retry-After, shared by workers.

Both paths side by side (``run`` from a sync view, ``arun`` from an async
one), a clock injected instead of waiting; the state is in the cache, so
two breaker objects with one name (two workers) see each other's state --
on LocMem here and on a real Redis below.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.core.cache import caches
from django.test import override_settings

from restflow.asynccache import reset_async_caches
from restflow.exceptions import APIException
from restflow.services import CircuitBreaker, CircuitOpen, ServiceError, ServiceSpec, arun, run
from testsupport.clock import Clock
from testsupport.services import redis_url

LOCMEM = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}


class Remote:
    """A dependency that fails until told otherwise."""

    def __init__(self) -> None:
        self.down = True
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.down:
            raise ConnectionError("remote is down")
        return "ok"


def _sync_runner(spec: ServiceSpec) -> Any:
    return run(spec, {})


def _async_runner(spec: ServiceSpec) -> Any:
    return async_to_sync(arun)(spec, {})


RUNNERS = pytest.mark.parametrize("runner", [_sync_runner, _async_runner], ids=["sync", "async"])


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    caches["default"].clear()
    yield
    caches["default"].clear()


def _spec(remote: Any, breaker: CircuitBreaker) -> ServiceSpec:
    return ServiceSpec(service=remote, atomic=False, breaker=breaker)


@RUNNERS
def test_the_breaker_opens_after_the_failures_and_refuses_without_calling(runner: Any) -> None:
    clock, remote = Clock(1_000.0), Remote()
    spec = _spec(remote, CircuitBreaker("payments", failures=2, reset_after=30, clock=clock))
    for _ in range(2):
        with pytest.raises(ConnectionError):
            runner(spec)
    clock.now += 10
    with pytest.raises(CircuitOpen) as refused:
        runner(spec)
    assert remote.calls == 2
    assert (refused.value.status_code, refused.value.code, refused.value.wait) == (
        503,
        "service_unavailable",
        20,
    )


@RUNNERS
def test_half_open_a_success_closes_and_a_failure_reopens(runner: Any) -> None:
    clock, remote = Clock(1_000.0), Remote()
    spec = _spec(remote, CircuitBreaker("mail", failures=1, reset_after=5, clock=clock))
    with pytest.raises(ConnectionError):
        runner(spec)
    clock.now += 5
    with pytest.raises(ConnectionError):  # half-open: let through, failed, open again
        runner(spec)
    with pytest.raises(CircuitOpen):
        runner(spec)
    clock.now += 5
    remote.down = False
    assert runner(spec) == "ok"
    remote.down = True
    with pytest.raises(ConnectionError):  # closed again: the call runs
        runner(spec)
    assert remote.calls == 4


def _before_sync(breaker: CircuitBreaker) -> Any:
    return breaker.before()


def _before_async(breaker: CircuitBreaker) -> Any:
    return async_to_sync(breaker.abefore)()


def _after_sync(breaker: CircuitBreaker, token: Any, exc: BaseException | None) -> None:
    breaker.after(token, exc)


def _after_async(breaker: CircuitBreaker, token: Any, exc: BaseException | None) -> None:
    async_to_sync(breaker.aafter)(token, exc)


STEPS = pytest.mark.parametrize(
    ("before", "after"),
    [(_before_sync, _after_sync), (_before_async, _after_async)],
    ids=["sync", "async"],
)


def _opened(clock: Clock, before: Any, after: Any) -> CircuitBreaker:
    breaker = CircuitBreaker("trial", failures=1, reset_after=5, clock=clock)
    after(breaker, before(breaker), ConnectionError("down"))
    clock.now += 5
    return breaker


@STEPS
def test_half_open_lets_one_trial_through_and_refuses_the_rest_meanwhile(
    before: Any, after: Any
) -> None:
    clock = Clock()
    breaker = _opened(clock, before, after)
    trial = before(breaker)
    assert trial is not None
    other_worker = CircuitBreaker("trial", failures=1, reset_after=5, clock=clock)
    with pytest.raises(CircuitOpen) as refused:
        before(other_worker)
    assert (refused.value.wait, refused.value.details) == (1, {"retry_after_seconds": 1})
    after(breaker, trial, None)
    assert before(other_worker) is None  # closed by the trial's success


@STEPS
def test_a_failed_trial_reopens_and_the_next_half_open_has_a_new_trial(
    before: Any, after: Any
) -> None:
    clock = Clock()
    breaker = _opened(clock, before, after)
    after(breaker, before(breaker), ConnectionError("still down"))
    with pytest.raises(CircuitOpen) as refused:
        before(breaker)
    assert refused.value.wait == 5
    clock.now += 5
    assert before(breaker) is not None


@STEPS
def test_a_cancelled_trial_frees_the_claim_without_closing(before: Any, after: Any) -> None:
    clock = Clock()
    breaker = _opened(clock, before, after)
    after(breaker, before(breaker), asyncio.CancelledError())
    assert before(breaker) is not None  # half-open still, a new trial
    assert caches["default"].get("restflow:circuit:trial:open") is not None


@RUNNERS
def test_business_errors_and_client_errors_do_not_open_it(runner: Any) -> None:
    def refuse() -> None:
        raise ServiceError("No.", code="no")

    spec = _spec(refuse, CircuitBreaker("rules", failures=1, clock=Clock(1_000.0)))
    for _ in range(3):
        with pytest.raises(APIException) as caught:
            runner(spec)
        assert caught.value.code == "no"


@RUNNERS
def test_two_workers_share_the_state_through_the_cache(runner: Any) -> None:
    clock = Clock(1_000.0)
    first, second = Remote(), Remote()
    with pytest.raises(ConnectionError):
        runner(_spec(first, CircuitBreaker("shared", failures=1, clock=clock)))
    with pytest.raises(CircuitOpen):
        runner(_spec(second, CircuitBreaker("shared", failures=1, clock=clock)))
    assert second.calls == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": ""}, r"name=''"),
        ({"name": "x", "failures": 0}, r"failures=0"),
        ({"name": "x", "window": 1.5}, r"window=1.5"),
        ({"name": "x", "reset_after": -1}, r"reset_after=-1"),
    ],
)
def test_bad_breaker_declarations_fail_fast(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(TypeError, match=message):
        CircuitBreaker(**kwargs)
    with pytest.raises(TypeError, match=r"breaker='x'"):
        ServiceSpec(service=Remote(), breaker="x")  # type: ignore[arg-type]


@RUNNERS
def test_the_state_is_shared_on_a_real_redis(runner: Any) -> None:
    redis = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": redis_url(),
        "KEY_PREFIX": f"breaker-test-{os.getpid()}",
    }
    with override_settings(CACHES={"default": LOCMEM, "shared": redis}):
        reset_async_caches()
        try:
            caches["shared"].clear()
            clock = Clock(1_000.0)
            with pytest.raises(ConnectionError):
                runner(
                    _spec(
                        Remote(), CircuitBreaker("redis", failures=1, cache="shared", clock=clock)
                    )
                )
            with pytest.raises(CircuitOpen):
                runner(
                    _spec(
                        Remote(), CircuitBreaker("redis", failures=1, cache="shared", clock=clock)
                    )
                )
            assert caches["shared"].get("restflow:circuit:redis:open") == clock.now + 30
        finally:
            caches["shared"].clear()
            reset_async_caches()
