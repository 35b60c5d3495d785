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

import pytest

from testsupport.services import postgres_pass_database
from testsupport.settings import SQLITE, configure

sys.path.insert(0, str(Path(__file__).parent))

ON_POSTGRES = os.environ.get("RESTFLOW_TEST_DB") == "postgres"


def pytest_configure(config: object) -> None:
    apps = ["restflow.core", "filtertests"]
    if ON_POSTGRES:
        apps += ["django.contrib.postgres", "pgfiltertests"]
    configure(
        "restflow-filters",
        apps,
        DATABASES={
            "default": postgres_pass_database("restflow_filters") if ON_POSTGRES else dict(SQLITE)
        },
        ROOT_URLCONF="filtertests.urls",
    )


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
