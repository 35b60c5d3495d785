"""Django settings for restflow-filters's own tests.

One pytest session per package (DESIGN.md §5): this conftest configures
Django before collection, so test modules may import restflow and DRF freely.

The database is SQLite in memory, or PostgreSQL when
``RESTFLOW_TEST_DB=postgres`` and ``DATABASE_URL`` are set (``python
scripts/services.py start`` then ``source .services.env``). The hatch
``filters`` environment runs the suite once on each. On PostgreSQL the
``pgfiltertests`` app (ArrayField models) and ``django.contrib.postgres``
are installed, and the ``postgres``/``pg_array`` lookup tests run.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import django
import pytest
from django.conf import settings

sys.path.insert(0, str(Path(__file__).parent))

ON_POSTGRES = os.environ.get("RESTFLOW_TEST_DB") == "postgres"


def _postgres() -> dict[str, Any]:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        how = "run `python scripts/services.py start` and `source .services.env`"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            raise pytest.UsageError(f"the PostgreSQL pass needs DATABASE_URL: {how}.")
        pytest.exit(f"PostgreSQL pass skipped: DATABASE_URL is not set ({how}).", returncode=0)
    parts = urlsplit(url)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": parts.path.lstrip("/") or "postgres",
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "127.0.0.1",
        "PORT": str(parts.port or 5432),
        "TEST": {"NAME": f"test_restflow_filters_{os.getpid()}"},
    }


def pytest_configure(config: object) -> None:
    if settings.configured:
        return
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
    apps = [
        "django.contrib.contenttypes",
        "django.contrib.auth",
        "rest_framework",
        "restflow.core",
        "filtertests",
    ]
    if ON_POSTGRES:
        apps += ["django.contrib.postgres", "pgfiltertests"]
    settings.configure(
        DEBUG=False,
        SECRET_KEY="restflow-filters-tests-not-secret",
        ALLOWED_HOSTS=["*"],
        USE_TZ=True,
        DATABASES={"default": _postgres() if ON_POSTGRES else sqlite},
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
        INSTALLED_APPS=apps,
        ROOT_URLCONF="filtertests.urls",
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        REST_FRAMEWORK={"EXCEPTION_HANDLER": "restflow.exceptions.exception_handler"},
    )
    django.setup()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """On PostgreSQL, the extensions the trigram and unaccent lookups need."""
    if not ON_POSTGRES:
        return
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    """Run a test through ``filter_queryset`` and through ``afilter_queryset``."""
    return str(request.param)


@pytest.fixture
def catalog(db: None) -> Any:
    """Four products whose values differ in every filtered column."""
    from filtertests.data import make_catalog

    return make_catalog()
