"""Throttling on LocMem, sync (DRF ``APIView``) and async (restflow views) side by side."""

from __future__ import annotations

import math
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.core.cache import caches
from django.test import override_settings
from throttle_support import PATHS, START, make_request, make_view, send, user

from restflow.throttling import (
    AnonRateThrottle,
    BaseThrottle,
    ScopedRateThrottle,
    SimpleRateThrottle,
    UserRateThrottle,
)
from testsupport.clock import Clock

pytestmark = pytest.mark.parametrize("path", PATHS)

HANDLER = "restflow.exceptions.exception_handler"


def rest_framework(rates: dict[str, Any], **extra: Any) -> override_settings:
    return override_settings(
        REST_FRAMEWORK={"EXCEPTION_HANDLER": HANDLER, "DEFAULT_THROTTLE_RATES": rates, **extra}
    )


@pytest.fixture(autouse=True)
def _empty_caches() -> Any:
    caches["default"].clear()
    yield
    caches["default"].clear()


@pytest.fixture(autouse=True)
def _frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows never roll over mid-test (throttles declaring their own ``timer`` keep it)."""
    monkeypatch.setattr(SimpleRateThrottle, "timer", staticmethod(Clock(START)))


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


def clocked(cls: type[SimpleRateThrottle], clock: Clock, **attrs: Any) -> type:
    return type(cls.__name__, (cls,), {"timer": staticmethod(clock), **attrs})


async def statuses(path: str, view: Any, n: int, **request_kw: Any) -> list[int]:
    return [(await send(path, view, make_request(path, **request_kw))).status for _ in range(n)]


class TestRateLimit:
    async def test_requests_within_the_rate_pass_and_the_next_is_refused(
        self, path: str, clock: Clock
    ) -> None:
        view = make_view(path, [clocked(AnonRateThrottle, clock)])
        with rest_framework({"anon": "3/min"}):
            assert await statuses(path, view, 5) == [200, 200, 200, 429, 429]

    async def test_refusal_is_the_throttled_envelope_with_retry_after(
        self, path: str, clock: Clock
    ) -> None:
        clock.now = 60 * 1000 + 15.5  # 44.5 s before the minute's window ends
        view = make_view(path, [clocked(AnonRateThrottle, clock)])
        with rest_framework({"anon": "1/min"}):
            await send(path, view, make_request(path))
            answer = await send(path, view, make_request(path))
        assert answer.status == 429
        assert answer.headers["Retry-After"] == "45"
        assert answer.body["error"]["code"] == "throttled"
        assert answer.body["error"]["details"] == {"retry_after_seconds": 45}
        assert "45 seconds" in answer.body["error"]["message"]

    async def test_a_new_window_admits_again(self, path: str, clock: Clock) -> None:
        view = make_view(path, [clocked(AnonRateThrottle, clock)])
        with rest_framework({"anon": "2/s"}):
            assert await statuses(path, view, 3) == [200, 200, 429]
            clock.now += 1
            assert await statuses(path, view, 3) == [200, 200, 429]

    async def test_zero_rate_refuses_everything(self, path: str, clock: Clock) -> None:
        view = make_view(path, [clocked(AnonRateThrottle, clock)])
        with rest_framework({"anon": "0/day"}):
            assert await statuses(path, view, 2) == [429, 429]

    async def test_rate_none_disables_the_throttle(self, path: str) -> None:
        view = make_view(path, [AnonRateThrottle])
        with rest_framework({"anon": None}):
            assert await statuses(path, view, 5) == [200] * 5

    async def test_rate_attribute_overrides_the_settings(self, path: str, clock: Clock) -> None:
        view = make_view(path, [clocked(AnonRateThrottle, clock, rate="1/hour")])
        with rest_framework({"anon": "100/hour"}):
            assert await statuses(path, view, 2) == [200, 429]

    async def test_throttle_rates_attribute_replaces_drf_settings(
        self, path: str, clock: Clock
    ) -> None:
        throttle = clocked(UserRateThrottle, clock, THROTTLE_RATES={"user": "2/min"})
        view = make_view(path, [throttle])
        with rest_framework({}):
            assert await statuses(path, view, 3) == [200, 200, 429]

    async def test_every_throttle_is_asked_and_the_longest_wait_wins(
        self, path: str, clock: Clock
    ) -> None:
        clock.now = 3600 * 500 + 1800  # a minute's start, half an hour into the hour
        per_minute = clocked(AnonRateThrottle, clock)
        per_hour = clocked(AnonRateThrottle, clock, scope="burst")
        view = make_view(path, [per_minute, per_hour])
        with rest_framework({"anon": "1/min", "burst": "1/hour"}):
            await send(path, view, make_request(path))
            answer = await send(path, view, make_request(path))
        assert answer.status == 429
        assert answer.headers["Retry-After"] == str(30 * 60)


class TestAnonRateThrottle:
    async def test_each_client_address_has_its_own_count(self, path: str) -> None:
        view = make_view(path, [AnonRateThrottle])
        with rest_framework({"anon": "1/hour"}):
            assert await statuses(path, view, 2, ip="10.0.0.1") == [200, 429]
            assert await statuses(path, view, 1, ip="10.0.0.2") == [200]

    async def test_authenticated_users_are_not_limited(self, path: str) -> None:
        view = make_view(path, [AnonRateThrottle])
        with rest_framework({"anon": "1/hour"}):
            assert await statuses(path, view, 3, user=user(1)) == [200, 200, 200]


class TestUserRateThrottle:
    async def test_users_are_counted_by_id_whatever_their_address(self, path: str) -> None:
        view = make_view(path, [UserRateThrottle])
        with rest_framework({"user": "2/hour"}):
            assert await statuses(path, view, 1, user=user(1), ip="10.0.0.1") == [200]
            assert await statuses(path, view, 2, user=user(1), ip="10.0.0.2") == [200, 429]
            assert await statuses(path, view, 1, user=user(2), ip="10.0.0.2") == [200]

    async def test_anonymous_requests_are_counted_by_address(self, path: str) -> None:
        view = make_view(path, [UserRateThrottle])
        with rest_framework({"user": "1/hour"}):
            assert await statuses(path, view, 2, ip="10.0.0.1") == [200, 429]
            assert await statuses(path, view, 1, ip="10.0.0.3") == [200]


class TestScopedRateThrottle:
    async def test_scope_comes_from_the_view_with_its_own_rate(self, path: str) -> None:
        uploads = make_view(path, [ScopedRateThrottle], throttle_scope="uploads")
        search = make_view(path, [ScopedRateThrottle], throttle_scope="search")
        with rest_framework({"uploads": "1/min", "search": "3/min"}):
            assert await statuses(path, uploads, 2) == [200, 429]
            assert await statuses(path, search, 4) == [200, 200, 200, 429]

    async def test_views_sharing_a_scope_share_the_count(self, path: str) -> None:
        first = make_view(path, [ScopedRateThrottle], throttle_scope="shared")
        second = make_view(path, [ScopedRateThrottle], throttle_scope="shared")
        with rest_framework({"shared": "2/min"}):
            assert await statuses(path, first, 1) == [200]
            assert await statuses(path, second, 2) == [200, 429]

    async def test_view_without_a_scope_is_not_limited(self, path: str) -> None:
        view = make_view(path, [ScopedRateThrottle])
        with rest_framework({}):
            assert await statuses(path, view, 3) == [200, 200, 200]

    async def test_scoped_counts_per_user(self, path: str) -> None:
        view = make_view(path, [ScopedRateThrottle], throttle_scope="uploads")
        with rest_framework({"uploads": "1/min"}):
            assert await statuses(path, view, 2, user=user(1)) == [200, 429]
            assert await statuses(path, view, 1, user=user(2)) == [200]

    async def test_custom_scope_attribute(self, path: str) -> None:
        throttle = type("ByKind", (ScopedRateThrottle,), {"scope_attr": "kind"})
        view = make_view(path, [throttle], kind="exports")
        with rest_framework({"exports": "1/min"}):
            assert await statuses(path, view, 2) == [200, 429]


class TestIdentity:
    @pytest.mark.parametrize(
        ("num_proxies", "forwarded", "expected"),
        [
            (None, None, "10.0.0.1"),
            (None, "1.1.1.1, 2.2.2.2", "1.1.1.1,2.2.2.2"),
            (0, "1.1.1.1, 2.2.2.2", "10.0.0.1"),
            (1, "1.1.1.1, 2.2.2.2", "2.2.2.2"),
            (2, "1.1.1.1, 2.2.2.2", "1.1.1.1"),
            (5, "1.1.1.1, 2.2.2.2", "1.1.1.1"),
            (1, None, "10.0.0.1"),
        ],
    )
    def test_get_ident_follows_drf(
        self, path: str, num_proxies: int | None, forwarded: str | None, expected: str
    ) -> None:
        request = make_request(path, ip="10.0.0.1", forwarded=forwarded)
        with rest_framework({}, NUM_PROXIES=num_proxies):
            assert BaseThrottle().get_ident(request) == expected

    async def test_clients_behind_one_proxy_are_told_apart(self, path: str) -> None:
        view = make_view(path, [AnonRateThrottle])
        with rest_framework({"anon": "1/hour"}, NUM_PROXIES=1):
            first = await statuses(path, view, 2, ip="10.9.9.9", forwarded="1.1.1.1")
            other = await statuses(path, view, 1, ip="10.9.9.9", forwarded="2.2.2.2")
        assert (first, other) == ([200, 429], [200])


class TestCache:
    async def test_cache_alias_selects_the_cache(self, path: str) -> None:
        caches_setting = {
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
            "throttle": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": "throttle-tests",
            },
        }
        throttle = type("OnAlias", (AnonRateThrottle,), {"cache_alias": "throttle"})
        view = make_view(path, [throttle])
        with override_settings(CACHES=caches_setting), rest_framework({"anon": "1/min"}):
            caches["throttle"].clear()
            assert await statuses(path, view, 2) == [200, 429]
            throttle_keys = list(caches["throttle"]._cache)  # type: ignore[attr-defined]
            default_keys = list(caches["default"]._cache)  # type: ignore[attr-defined]
        assert len(throttle_keys) == 1 and "throttle_anon_10.0.0.1" in throttle_keys[0]
        assert default_keys == []

    async def test_dummy_cache_counts_nothing(self, path: str) -> None:
        dummy = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
        view = make_view(path, [AnonRateThrottle])
        with override_settings(CACHES=dummy), rest_framework({"anon": "1/min"}):
            assert await statuses(path, view, 3) == [200, 200, 200]


async def test_wait_is_the_rest_of_the_window(path: str) -> None:
    clock = Clock(3600.0 * 7 + 59.25)
    request = make_request(path)
    with rest_framework({"anon": "1/min"}):
        throttle = clocked(AnonRateThrottle, clock)()
        allow = (
            throttle.aallow_request if path == "async" else sync_to_async(throttle.allow_request)
        )
        assert await allow(request, None) is True
        assert await allow(request, None) is False
    assert throttle.wait() == pytest.approx(0.75)
    assert math.ceil(throttle.wait() or 0) == 1
