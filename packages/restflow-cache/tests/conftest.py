"""Django settings for restflow-cache's own tests.

One pytest session per package (DESIGN.md §5): this conftest configures
Django before collection, so test modules may import restflow and DRF freely.

Caches: ``default`` is LocMem; when ``REDIS_URL`` is set (``python
scripts/services.py start`` then ``source .services.env``) a ``redis`` alias
(django-redis) is configured too, and tests that need it use that alias.

Two test apps: ``cachetests`` (keys, ``cache_result``, ``cache_response``,
invalidation rules) and ``dispatchtests`` (dispatchers and their real worker
processes; workers load ``worker_settings``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import django
from django.conf import settings

sys.path.insert(0, str(Path(__file__).parent))


def _caches() -> dict[str, dict[str, object]]:
    caches: dict[str, dict[str, object]] = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
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
            "cachetests",
            "dispatchtests",
        ],
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        REST_FRAMEWORK={"EXCEPTION_HANDLER": "restflow.exceptions.exception_handler"},
    )
    django.setup()
