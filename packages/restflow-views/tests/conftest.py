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

import pytest
from asgiref.sync import sync_to_async
from django.db import connections

from testsupport.services import postgres_pass_database
from testsupport.settings import SESSIONS_AND_AUTH, SQLITE, configure

sys.path.insert(0, str(Path(__file__).parent))


ON_POSTGRES = os.environ.get("RESTFLOW_TEST_DB") == "postgres"


def pytest_configure(config: object) -> None:
    configure(
        "restflow-views",
        ["django.contrib.sessions", "restflow.core", "sertests", "viewtests"],
        DATABASES={
            "default": postgres_pass_database("restflow_views") if ON_POSTGRES else dict(SQLITE)
        },
        # on PostgreSQL every table is made by syncdb in one go, so the test apps'
        # foreign keys to auth_user find it (checked when the table is created)
        MIGRATION_MODULES=dict.fromkeys(["auth", "contenttypes", "sessions"])
        if ON_POSTGRES
        else {},
        MIDDLEWARE=SESSIONS_AND_AUTH,
        ROOT_URLCONF="viewtests.urls",
    )


@pytest.fixture
async def close_async_connections() -> Any:
    """On PostgreSQL, close the connection async tests opened in asgiref's sync thread.

    Left open, it keeps PostgreSQL from dropping the test database at the end.
    """
    yield
    if ON_POSTGRES:
        await sync_to_async(connections.close_all)()
