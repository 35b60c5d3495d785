"""Django settings for the meta-package's tests: every restflow app installed together."""

from __future__ import annotations

import django
from django.conf import settings


def pytest_configure(config: object) -> None:
    if settings.configured:
        return
    settings.configure(
        DEBUG=False,
        SECRET_KEY="restflow-meta-tests-not-secret",
        ALLOWED_HOSTS=["*"],
        USE_TZ=True,
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
        INSTALLED_APPS=[
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "rest_framework",
            "drf_spectacular",
            "restflow.core",
        ],
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
    )
    django.setup()
