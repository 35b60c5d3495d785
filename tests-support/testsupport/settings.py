"""The Django settings every package suite starts from, configured before collection.

Each suite's ``conftest.py`` calls :func:`configure` from ``pytest_configure`` with what
it adds or changes: one pytest session per package (DESIGN.md §5), so test modules may
import restflow and DRF freely.
"""

from __future__ import annotations

from typing import Any

import django
from django.conf import settings

__all__ = ["BASE_APPS", "LOCMEM", "SESSIONS_AND_AUTH", "SQLITE", "configure"]

SQLITE = {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
LOCMEM = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
BASE_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "rest_framework"]
SESSIONS_AND_AUTH = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]


def configure(suite: str, apps: list[str], **overrides: Any) -> None:
    """Configure Django for ``suite``'s tests (once per process) and set it up.

    SQLite in memory, LocMem, ``BASE_APPS`` + ``apps``, restflow's exception handler, the
    fast MD5 hasher; ``overrides`` replace any of them.
    """
    if settings.configured:
        return
    values: dict[str, Any] = {
        "DEBUG": False,
        "SECRET_KEY": f"{suite}-tests-not-secret",
        "ALLOWED_HOSTS": ["*"],
        "USE_TZ": True,
        "DATABASES": {"default": dict(SQLITE)},
        "CACHES": {"default": dict(LOCMEM)},
        "INSTALLED_APPS": [*BASE_APPS, *apps],
        "DEFAULT_AUTO_FIELD": "django.db.models.AutoField",
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        "REST_FRAMEWORK": {"EXCEPTION_HANDLER": "restflow.exceptions.exception_handler"},
    }
    settings.configure(**{**values, **overrides})
    django.setup()
