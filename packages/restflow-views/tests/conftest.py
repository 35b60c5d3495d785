"""Django settings for restflow-views's own tests (SQLite in memory, LocMem cache).

One pytest session per package (DESIGN.md §5): this conftest configures
Django before collection, so test modules may import restflow and DRF freely.

Two test apps: ``sertests`` (models for the serializer tests) and
``viewtests`` (models, views and URLs for the view, generic, viewset and
pagination tests; ``viewtests.urls`` is the root URLconf).
"""

from __future__ import annotations

import sys
from pathlib import Path

import django
from django.conf import settings

sys.path.insert(0, str(Path(__file__).parent))


def pytest_configure(config: object) -> None:
    if settings.configured:
        return
    settings.configure(
        DEBUG=False,
        SECRET_KEY="restflow-views-tests-not-secret",
        ALLOWED_HOSTS=["*"],
        USE_TZ=True,
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
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
