"""Django settings for restflow-views's own tests (SQLite in memory, LocMem cache).

One pytest session per package (DESIGN.md §5): this conftest configures
Django before collection, so test modules may import restflow and DRF freely.

Two test apps: ``sertests`` (models for the serializer tests) and
``viewtests`` (models, views and URLs for the view, generic, viewset and
pagination tests; ``viewtests.urls`` is the root URLconf).

With ``RESTFLOW_TEST_DB=postgres`` the database is the PostgreSQL server of
``DATABASE_URL`` (``python scripts/services.py start``, ``source
.services.env``): the hatch ``views`` environment runs the transaction tests
of ``restflow.services`` a second time there.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import django
import pytest
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connections

sys.path.insert(0, str(Path(__file__).parent))


ON_POSTGRES = os.environ.get("RESTFLOW_TEST_DB") == "postgres"


def _database() -> dict[str, Any]:
    """SQLite in memory, or the PostgreSQL server of ``DATABASE_URL`` on the PostgreSQL pass."""
    if not ON_POSTGRES:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
    url = urlsplit(os.environ.get("DATABASE_URL", ""))
    if not url.hostname:
        hint = "DATABASE_URL is not set (python scripts/services.py start; source .services.env)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            raise pytest.UsageError(f"the PostgreSQL pass needs a server: {hint}.")
        pytest.exit(f"PostgreSQL pass skipped: {hint}.", returncode=0)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": url.path.lstrip("/") or "postgres",
        "USER": unquote(url.username or ""),
        "PASSWORD": unquote(url.password or ""),
        "HOST": url.hostname,
        "PORT": str(url.port or 5432),
        "TEST": {"NAME": f"test_restflow_views_{os.getpid()}"},
    }


def pytest_configure(config: object) -> None:
    if settings.configured:
        return
    settings.configure(
        DEBUG=False,
        SECRET_KEY="restflow-views-tests-not-secret",
        ALLOWED_HOSTS=["*"],
        USE_TZ=True,
        DATABASES={"default": _database()},
        # on PostgreSQL every table is made by syncdb in one go, so the test apps'
        # foreign keys to auth_user find it (checked when the table is created)
        MIGRATION_MODULES=dict.fromkeys(["auth", "contenttypes", "sessions"])
        if ON_POSTGRES
        else {},
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
        INSTALLED_APPS=[
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "django.contrib.sessions",
            "rest_framework",
            "restflow.core",
            "sertests",
            "viewtests",
        ],
        MIDDLEWARE=[
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
        ],
        ROOT_URLCONF="viewtests.urls",
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        REST_FRAMEWORK={"EXCEPTION_HANDLER": "restflow.exceptions.exception_handler"},
    )
    django.setup()


@pytest.fixture
async def close_async_connections() -> Any:
    """On PostgreSQL, close the connection async tests opened in asgiref's sync thread.

    Left open, it keeps PostgreSQL from dropping the test database at the end.
    """
    yield
    if ON_POSTGRES:
        await sync_to_async(connections.close_all)()
