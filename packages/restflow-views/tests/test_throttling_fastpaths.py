"""restflow.throttling's fast path (a RedisCache object's location) gives what its public path gives.

A throttle naming its cache by alias finds the server and options in
``settings.CACHES``; one given the cache object reads them from the object.
Both must lead to the same server and options, and count the same.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.core.cache import caches
from django.test import override_settings
from throttle_support import PATHS, Clock, make_request, make_view, redis_url, send

from restflow.throttling import AnonRateThrottle, _counters, _fastpaths

LIMIT = 3


@pytest.fixture
def redis_alias() -> Any:
    """A ``"redis"`` alias on ``REDIS_URL`` with options, and a key prefix of its own."""
    setting = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "redis": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"{redis_url()};redis://127.0.0.1:1/9",
            "KEY_PREFIX": f"rf-fast-{uuid.uuid4().hex}",
            "OPTIONS": {"socket_timeout": 5, "db": 0},
        },
    }
    rest_framework = {
        "EXCEPTION_HANDLER": "restflow.exceptions.exception_handler",
        "DEFAULT_THROTTLE_RATES": {"anon": f"{LIMIT}/min"},
    }
    with override_settings(CACHES=setting, REST_FRAMEWORK=rest_framework):
        yield "redis"


@pytest.fixture
async def close_async_clients() -> Any:
    yield
    await _counters.REDIS_COUNTER.aclose()


def test_the_object_and_the_alias_give_the_same_location(redis_alias: str) -> None:
    cache = caches[redis_alias]
    expected = (redis_url(), {"socket_timeout": 5, "db": 0})
    assert _fastpaths._read_location(cache) == _counters._settings_location(redis_alias) == expected


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("fast", [True, False], ids=["fast path", "public path"])
@pytest.mark.usefixtures("close_async_clients")
async def test_a_throttle_given_the_cache_object_counts_like_one_given_the_alias(
    path: str, fast: bool, redis_alias: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_fastpaths, "REDIS_LOCATION", fast and _fastpaths.REDIS_LOCATION)
    clock = staticmethod(Clock())
    by_alias = type("ByAlias", (AnonRateThrottle,), {"cache_alias": redis_alias, "timer": clock})
    by_object = type(
        "ByObject", (AnonRateThrottle,), {"cache": caches[redis_alias], "timer": clock}
    )
    for throttle, ip in ((by_alias, "10.9.0.1"), (by_object, "10.9.0.2")):
        view = make_view(path, [throttle])
        statuses = [(await send(path, view, make_request(path, ip=ip))).status for _ in range(4)]
        assert statuses == [200] * LIMIT + [429]
