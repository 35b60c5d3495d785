"""Cache backends for the race tests: real LocMem/Redis with a network-like delay per call.

Each operation runs for real (atomically where the backend is atomic) and
then sleeps ``LATENCY`` seconds, releasing the GIL as a network round trip
would. Concurrent requests then overlap the way they do against a remote
cache, so a read-modify-write throttle (DRF's) loses updates every time.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

LATENCY = 0.005


class _Latency:
    def get(self, *args: Any, **kwargs: Any) -> Any:
        value = super().get(*args, **kwargs)  # type: ignore[misc]
        time.sleep(LATENCY)
        return value

    def set(self, *args: Any, **kwargs: Any) -> Any:
        value = super().set(*args, **kwargs)  # type: ignore[misc]
        time.sleep(LATENCY)
        return value

    def add(self, *args: Any, **kwargs: Any) -> Any:
        value = super().add(*args, **kwargs)  # type: ignore[misc]
        time.sleep(LATENCY)
        return value

    def incr(self, *args: Any, **kwargs: Any) -> Any:
        value = super().incr(*args, **kwargs)  # type: ignore[misc]
        time.sleep(LATENCY)
        return value


class SlowLocMemCache(_Latency, LocMemCache):
    """LocMem whose every call takes ``LATENCY`` seconds."""


class SlowRedisCache(_Latency, RedisCache):
    """Django's RedisCache whose every call takes ``LATENCY`` seconds more."""
