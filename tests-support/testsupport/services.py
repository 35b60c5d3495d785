"""Redis and PostgreSQL as the suites reach them: ``REDIS_URL`` and ``DATABASE_URL``.

``python scripts/services.py start`` (then ``source .services.env``) at the repository
root runs both and exports the two variables.
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from testsupport.ci import skip_or_fail, strict

__all__ = ["HINT", "database_from_url", "postgres_pass_database", "redis_url"]

HINT = "run `python scripts/services.py start` and `source .services.env` at the repository root"


def redis_url(what: str = "these tests") -> str:
    """``REDIS_URL``, or skip saying how to get it (fail in a strict run)."""
    url = os.environ.get("REDIS_URL")
    if url:
        return url
    skip_or_fail(f"REDIS_URL is not set: {what} need a Redis server; {HINT}")


def database_from_url(url: str, test_name: str | None = None) -> dict[str, Any]:
    """Django's ``DATABASES`` entry for the PostgreSQL server of ``url`` (``postgres://…``).

    ``test_name`` names the test database (one per process, on a shared server).
    """
    parts = urlsplit(url)
    database: dict[str, Any] = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")) or "postgres",
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "127.0.0.1",
        "PORT": str(parts.port or 5432),
    }
    if test_name:
        database["TEST"] = {"NAME": test_name}
    return database


def postgres_pass_database(suite: str) -> dict[str, Any]:
    """The database of a suite's PostgreSQL pass (``RESTFLOW_TEST_DB=postgres``).

    Without ``DATABASE_URL`` the pass ends at once, successfully, saying why; in a strict run
    it is a usage error. Called from ``pytest_configure``, where a skip cannot be raised.
    """
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        why = f"the PostgreSQL pass needs DATABASE_URL: {HINT}"
        if strict():
            raise pytest.UsageError(why)
        pytest.exit(f"PostgreSQL pass skipped: {why}", returncode=0)
    return database_from_url(url, f"test_{suite}_{os.getpid()}")
