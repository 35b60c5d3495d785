"""The minimal Django project of the isolation checks: SQLite in memory, Django's own
``User`` model; ``apps`` are added to contenttypes, auth and DRF."""

from typing import Any

import django
from django.conf import settings


def configure(*apps: str, **extra: Any) -> None:
    settings.configure(
        SECRET_KEY="isolation",
        USE_TZ=True,
        INSTALLED_APPS=[
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "rest_framework",
            *apps,
        ],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        **extra,
    )
    django.setup()
