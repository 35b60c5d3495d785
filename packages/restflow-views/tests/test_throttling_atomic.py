"""Atomic counting on LocMem: 50 concurrent requests against a limit of 10 admit exactly 10.

DRF's throttle, under the same race, reads the history, then writes it back:
concurrent requests overwrite each other's entries and more than 10 pass.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.core.cache import caches
from django.test import override_settings
from rest_framework import throttling as drf_throttling
from throttle_support import START, make_request, make_view, send

from restflow.throttling import AnonRateThrottle
from testsupport.clock import Clock

CONCURRENCY = 50
LIMIT = 10
NOW = Clock(START)

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "slow": {"BACKEND": "throttle_caches.SlowLocMemCache", "LOCATION": "throttle-race"},
}
REST_FRAMEWORK = {
    "EXCEPTION_HANDLER": "restflow.exceptions.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"anon": f"{LIMIT}/min"},
}


@pytest.fixture(autouse=True)
def _settings() -> Any:
    with override_settings(CACHES=CACHES, REST_FRAMEWORK=REST_FRAMEWORK):
        caches["default"].clear()
        caches["slow"].clear()
        yield


class _StartTogether:
    """Hold every request at ``get_cache_key`` until all of them have arrived."""

    barrier: threading.Barrier

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        self.barrier.wait(timeout=30)
        return super().get_cache_key(request, view)  # type: ignore[misc,no-any-return]


def restflow_throttle(alias: str) -> type:
    return type(
        "RacingRestflow",
        (_StartTogether, AnonRateThrottle),
        {
            "cache_alias": alias,
            "timer": staticmethod(NOW),
            "barrier": threading.Barrier(CONCURRENCY),
        },
    )


def drf_throttle() -> type:
    return type(
        "RacingDRF",
        (_StartTogether, drf_throttling.AnonRateThrottle),
        {
            "cache": caches["slow"],
            "timer": staticmethod(NOW),
            "THROTTLE_RATES": {"anon": f"{LIMIT}/min"},
            "barrier": threading.Barrier(CONCURRENCY),
        },
    )


def admitted_in_threads(view: Any) -> int:
    def one(_: int) -> int:
        response = view(make_request("sync"))
        return int(response.status_code == 200)

    with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
        return sum(pool.map(one, range(CONCURRENCY)))


def test_threads_on_the_sync_path_admit_exactly_the_limit() -> None:
    view = make_view("sync", [restflow_throttle("slow")])
    assert admitted_in_threads(view) == LIMIT


def test_drf_throttle_admits_more_than_the_limit_under_the_same_race() -> None:
    view = make_view("sync", [drf_throttle()])
    assert admitted_in_threads(view) > LIMIT


async def test_gathered_requests_on_the_async_path_admit_exactly_the_limit() -> None:
    throttle = type("Gathered", (AnonRateThrottle,), {"timer": staticmethod(NOW)})
    view = make_view("async", [throttle])
    answers = await asyncio.gather(
        *(send("async", view, make_request("async")) for _ in range(CONCURRENCY))
    )
    statuses = [answer.status for answer in answers]
    assert statuses.count(200) == LIMIT
    assert statuses.count(429) == CONCURRENCY - LIMIT
