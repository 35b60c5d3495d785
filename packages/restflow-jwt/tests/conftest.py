"""Django settings for restflow-jwt's own tests (``jwt_settings.py``).

One pytest session per package (DESIGN.md §5): this conftest configures
Django before collection, so test modules may import restflow and DRF freely.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import django
import pytest
from django.conf import settings

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


class Clock:
    """A settable clock standing in for ``restflow.authentication._clock.now``."""

    def __init__(self) -> None:
        self.at = time.time()

    def __call__(self) -> float:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += seconds


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

    A missing Redis *server* (no ``REDIS_URL``) fails under ``CI=true``; a missing client
    package skips with the install command (it is an environment choice, not a service).
    """
    from django.conf import settings

    if alias in settings.CACHES:
        return
    if not os.environ.get("REDIS_URL"):
        why = "needs Redis: `python scripts/services.py start && source .services.env`"
        if os.environ.get("CI") == "true":
            pytest.fail(why)
        pytest.skip(why)
    package = _REDIS_PACKAGES.get(alias, alias)
    pytest.skip(f"needs the {package!r} package in the jwt environment (pip install {package})")


@pytest.fixture
def redis_alias() -> str:
    """The ``redis`` cache alias (Django's RedisCache); see :func:`need_cache`."""
    need_cache("redis")
    return "redis"  # never cleared: the server is shared; keys carry a per-process prefix
