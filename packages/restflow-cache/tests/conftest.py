"""Django settings for restflow-cache's own tests, and the fixtures its modules share.

Caches: ``default`` is LocMem, ``files`` a file cache (no key listing: partition wipes
use generation counters); when ``REDIS_URL`` is set (``python
scripts/services.py start`` then ``source .services.env``) a ``redis`` alias
(django-redis) is configured too, and tests that need it use that alias.

Two test apps: ``cachetests`` (keys, ``cache_result``, ``cache_response``,
invalidation rules) and ``dispatchtests`` (dispatchers and their real worker
processes; workers load ``worker_settings``).
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from testsupport import settings as test_settings
from testsupport.clock import Clock
from testsupport.services import redis_url

sys.path.insert(0, str(Path(__file__).parent))


def _caches() -> dict[str, dict[str, object]]:
    caches: dict[str, dict[str, object]] = {
        "default": dict(test_settings.LOCMEM),
        # a backend that cannot list keys: partition wipes go through generation counters
        "files": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": tempfile.mkdtemp(prefix="restflow-cache-tests-"),
        },
    }
    if os.environ.get("REDIS_URL"):
        caches["redis"] = {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": f"rf-cache-tests-{os.getpid()}",
        }
    return caches


def pytest_configure(config: object) -> None:
    test_settings.configure(
        "restflow-cache",
        ["restflow.core", "restflow.caching", "cachetests", "dispatchtests"],
        CACHES=_caches(),
    )


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    from django.core.cache import caches

    for alias in settings.CACHES:
        if alias == "redis":
            # never FLUSHDB: the Redis server is shared; drop only this process's prefix
            caches[alias].delete_pattern("*")  # type: ignore[attr-defined]
        else:
            caches[alias].clear()


@pytest.fixture
def redis_alias() -> str:
    redis_url()
    return "redis"


@pytest.fixture(params=["default", "files", "redis"])
def alias(request: pytest.FixtureRequest) -> str:
    """Each kind of store: LocMem (in-process scan), a file cache (generations), Redis (SCAN)."""
    if request.param == "redis":
        redis_url()
    return str(request.param)


@pytest.fixture
def detached_rules() -> Iterator[None]:
    """Every invalidation rule a test declared is detached from its model's signals after it."""
    from restflow.caching.invalidation.rule import all_rules

    yield
    for rule in all_rules():
        rule.detach()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """restflow-cache's clock (freshness, stale entries), moved only by ``advance``.

    How long a store keeps an entry stays the backend's: moving this clock past ``ttl``
    makes an entry stale while the store still holds it for its ``stale_ttl``.
    """
    from restflow.caching import _clock

    frozen = Clock()
    monkeypatch.setattr(_clock, "now", frozen)
    return frozen
