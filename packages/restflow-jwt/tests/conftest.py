"""Django settings for restflow-jwt's own tests (``jwt_settings.py``).

One pytest session per package (DESIGN.md §5): this conftest configures
Django before collection, so test modules may import restflow and DRF freely.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import django
import pytest
from django.conf import settings

from testsupport.clock import Clock
from testsupport.services import redis_url

sys.path.insert(0, str(Path(__file__).parent))


def pytest_configure(config: object) -> None:
    if settings.configured:
        return
    import jwt_settings

    settings.configure(**jwt_settings.as_dict())
    django.setup()


# -- fixtures shared by the test modules -------------------------------------------

PASSWORD = "correct horse battery staple"


@pytest.fixture
def user(django_user_model: Any) -> Any:
    """An active user ``alice`` with password :data:`PASSWORD` (committed: async paths see it)."""
    return django_user_model.objects.create_user("alice", password=PASSWORD)


@pytest.fixture
def hops() -> Iterator[list[Any]]:
    """Every thread hop (``sync_to_async`` or ``run_sync``): the functions sent to a thread."""
    from restflow.core.testing import count_hops

    with count_hops() as seen:
        yield seen


@pytest.fixture(autouse=True)
def _fresh_blacklist_and_user_cache() -> Iterator[None]:
    """Each test starts with an empty LocMem cache and user cache."""
    from django.core.cache import caches

    from restflow.authentication.users import user_cache

    caches["default"].clear()
    user_cache.clear()
    yield
    user_cache.clear()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """restflow-jwt's clock, starting at the real time and moved only by ``advance``."""
    from restflow.authentication import _clock

    frozen = Clock()
    monkeypatch.setattr(_clock, "now", frozen)
    return frozen


_REDIS_PACKAGES = {"redis": "redis", "django_redis": "django-redis"}


def need_cache(alias: str) -> None:
    """Skip unless ``CACHES[alias]`` exists (``redis`` / ``django_redis`` need Redis).

    A missing Redis *server* (no ``REDIS_URL``) fails in a CI run; a missing client
    package skips with the install command (it is an environment choice, not a service).
    """
    if alias in settings.CACHES:
        return
    redis_url("the Redis blacklist tests")
    package = _REDIS_PACKAGES.get(alias, alias)
    pytest.skip(f"needs the {package!r} package in the jwt environment (pip install {package})")


def seconds_left(backend: Any, jti: str) -> float:
    """How long the cache keeps ``jti``'s revocation: LocMem's expiry, or Redis's ``PTTL``."""
    import redis

    from restflow.asynccache import async_cache

    cache = backend.cache
    key = cache.make_and_validate_key(backend.key(jti))
    if async_cache(backend.alias).in_process:
        return float(cache._expire_info[key]) - time.time()
    client = redis.Redis.from_url(settings.CACHES[backend.alias]["LOCATION"])
    try:
        return int(client.pttl(key)) / 1000
    finally:
        client.close()


@pytest.fixture
def redis_alias() -> str:
    """The ``redis`` cache alias (Django's RedisCache); see :func:`need_cache`."""
    need_cache("redis")
    return "redis"  # never cleared: the server is shared; keys carry a per-process prefix
