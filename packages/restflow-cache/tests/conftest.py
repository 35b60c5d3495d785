"""Django settings for restflow-cache's own tests.

One pytest session per package (DESIGN.md §5): this conftest configures
Django before collection, so test modules may import restflow and DRF freely.

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
from pathlib import Path

import django
from django.conf import settings

sys.path.insert(0, str(Path(__file__).parent))


def _caches() -> dict[str, dict[str, object]]:
    caches: dict[str, dict[str, object]] = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        # a backend that cannot list keys: partition wipes go through generation counters
        "files": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": tempfile.mkdtemp(prefix="restflow-cache-tests-"),
        },
    }
    redis_url = os.environ.get("REDIS_URL")
    if redis_url:
        caches["redis"] = {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": f"rf-cache-tests-{os.getpid()}",
        }
    return caches


def pytest_configure(config: object) -> None:
    if settings.configured:
        return
    settings.configure(
        DEBUG=False,
        SECRET_KEY="restflow-cache-tests-not-secret",
        ALLOWED_HOSTS=["*"],
        USE_TZ=True,
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        CACHES=_caches(),
        INSTALLED_APPS=[
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "rest_framework",
            "restflow.core",
            "restflow.caching",
            "cachetests",
            "dispatchtests",
        ],
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        REST_FRAMEWORK={"EXCEPTION_HANDLER": "restflow.exceptions.exception_handler"},
    )
    django.setup()


# --- fixtures shared by the caching tests --------------------------------------------------
import pytest  # noqa: E402


def _need_redis() -> None:
    if not os.environ.get("REDIS_URL"):
        if os.environ.get("CI") == "true":
            pytest.fail("REDIS_URL is unset but CI=true: Redis must run in CI.")
        pytest.skip("needs Redis: python scripts/services.py start && source .services.env")


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
    _need_redis()
    return "redis"


@pytest.fixture(params=["default", "files", "redis"])
def alias(request: pytest.FixtureRequest) -> str:
    """Each kind of store: LocMem (in-process scan), a file cache (generations), Redis (SCAN)."""
    if request.param == "redis":
        _need_redis()
    return str(request.param)
