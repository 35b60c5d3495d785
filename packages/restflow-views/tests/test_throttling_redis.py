"""Throttling on Redis (Django's ``RedisCache``): both paths, atomic across threads and processes.

Needs ``REDIS_URL`` (``python scripts/services.py start && source .services.env``);
skipped without it, failed without it when ``CI=true``.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import caches
from django.test import override_settings
from throttle_support import PATHS, START, make_request, make_view, send, user

from restflow.asynccache import async_cache
from restflow.core import count_hops
from restflow.throttling import (
    AnonRateThrottle,
    ScopedRateThrottle,
    SimpleRateThrottle,
    UserRateThrottle,
)
from testsupport.clock import Clock
from testsupport.services import redis_url

LIMIT = 10
CONCURRENCY = 50
WORKER = Path(__file__).with_name("throttle_worker.py")


@pytest.fixture(autouse=True)
def _frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows never roll over mid-test (throttles declaring their own ``timer`` keep it)."""
    monkeypatch.setattr(SimpleRateThrottle, "timer", staticmethod(Clock(START)))


@pytest.fixture
def redis_cache() -> Any:
    """A ``"redis"`` cache alias on ``REDIS_URL`` with a key prefix of its own."""
    url = redis_url()
    prefix = f"rf-throttle-{uuid.uuid4().hex}"
    setting = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "redis": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
        },
    }
    rest_framework = {
        "EXCEPTION_HANDLER": "restflow.exceptions.exception_handler",
        "DEFAULT_THROTTLE_RATES": {"anon": f"{LIMIT}/min", "user": "2/min", "uploads": "1/min"},
    }
    with override_settings(CACHES=setting, REST_FRAMEWORK=rest_framework):
        yield caches["redis"]


@pytest.fixture
async def close_async_clients(redis_cache: Any) -> Any:
    """Close the running loop's Redis client while the ``"redis"`` alias still exists."""
    yield
    await async_cache("redis").aclose()


def on_redis(cls: type, **attrs: Any) -> type:
    return type(cls.__name__, (cls,), {"cache_alias": "redis", **attrs})


async def statuses(path: str, view: Any, n: int, **request_kw: Any) -> list[int]:
    return [(await send(path, view, make_request(path, **request_kw))).status for _ in range(n)]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.usefixtures("close_async_clients")
class TestOnRedis:
    async def test_rate_limit_with_retry_after(self, path: str, redis_cache: Any) -> None:
        clock = Clock(60 * 1000 + 20)
        view = make_view(path, [on_redis(AnonRateThrottle, timer=staticmethod(clock))])
        assert await statuses(path, view, LIMIT) == [200] * LIMIT
        answer = await send(path, view, make_request(path))
        assert answer.status == 429
        assert answer.headers["Retry-After"] == "40"
        assert answer.body["error"]["code"] == "throttled"

    async def test_counter_lives_in_redis_with_an_expiry(self, path: str, redis_cache: Any) -> None:
        view = make_view(path, [on_redis(UserRateThrottle)])
        await statuses(path, view, 2, user=user(5))
        client = redis_cache._cache.get_client(write=True)
        keys = [key.decode() for key in client.keys(f"*{redis_cache.key_prefix}*")]
        assert len(keys) == 1 and "throttle_user_5" in keys[0]
        assert int(client.get(keys[0])) == 2
        assert 0 < client.ttl(keys[0]) <= 61

    async def test_async_scoped_throttle_on_redis(self, path: str, redis_cache: Any) -> None:
        view = make_view(path, [on_redis(ScopedRateThrottle)], throttle_scope="uploads")
        assert await statuses(path, view, 2) == [200, 429]


@pytest.mark.usefixtures("close_async_clients")
async def test_sync_and_async_paths_share_one_counter(redis_cache: Any) -> None:
    throttle = on_redis(UserRateThrottle)
    sync_view, async_view = make_view("sync", [throttle]), make_view("async", [throttle])
    first = await send("sync", sync_view, make_request("sync", user=user(9)))
    second = await send("async", async_view, make_request("async", user=user(9)))
    third = await send("sync", sync_view, make_request("sync", user=user(9)))
    assert [first.status, second.status, third.status] == [200, 200, 429]


@pytest.mark.usefixtures("close_async_clients")
async def test_async_path_uses_the_native_client_without_a_thread_hop(redis_cache: Any) -> None:
    view = make_view("async", [on_redis(AnonRateThrottle)])
    with count_hops() as hops:
        assert await statuses("async", view, LIMIT + 1) == [200] * LIMIT + [429]
    assert hops == []


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.usefixtures("close_async_clients")
async def test_a_throttle_given_the_cache_object_counts_like_one_given_the_alias(
    path: str, redis_cache: Any
) -> None:
    by_alias = on_redis(AnonRateThrottle)
    by_object = type("ByObject", (AnonRateThrottle,), {"cache": redis_cache})
    for throttle, ip in ((by_alias, "10.9.0.1"), (by_object, "10.9.0.2")):
        view = make_view(path, [throttle])
        assert await statuses(path, view, LIMIT + 1, ip=ip) == [200] * LIMIT + [429]


@pytest.mark.usefixtures("close_async_clients")
async def test_gathered_requests_admit_exactly_the_limit(redis_cache: Any) -> None:
    view = make_view("async", [on_redis(AnonRateThrottle, timer=staticmethod(Clock(START)))])
    answers = await asyncio.gather(
        *(send("async", view, make_request("async")) for _ in range(CONCURRENCY))
    )
    assert [answer.status for answer in answers].count(200) == LIMIT


def test_threads_admit_exactly_the_limit(redis_cache: Any) -> None:
    view = make_view("sync", [on_redis(AnonRateThrottle, timer=staticmethod(Clock(START)))])

    def one(_: int) -> int:
        return int(view(make_request("sync")).status_code == 200)

    with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
        assert sum(pool.map(one, range(CONCURRENCY))) == LIMIT


def race_in_two_processes(impl: str, path: str) -> int:
    """Run two worker processes of ``CONCURRENCY // 2`` requests each; return the total admitted."""
    config = {
        "redis_url": redis_url(),
        "prefix": f"rf-race-{uuid.uuid4().hex}",
        "impl": impl,
        "path": path,
        "limit": LIMIT,
        "requests": CONCURRENCY // 2,
        "now": 1_800_000_000.0,
        "processes": 2,
    }
    argv = [sys.executable, str(WORKER), json.dumps(config)]
    workers = [
        subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    results = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        results.append(json.loads(out))
    # the two processes' requests overlapped in time: a real cross-process race
    assert max(r["began"] for r in results) < min(r["ended"] for r in results), results
    return sum(result["admitted"] for result in results)


@pytest.mark.parametrize("path", PATHS)
def test_two_processes_admit_exactly_the_limit(path: str) -> None:
    assert race_in_two_processes("restflow", path) == LIMIT


def test_drf_throttle_admits_more_across_two_processes() -> None:
    assert race_in_two_processes("drf", "sync") > LIMIT
