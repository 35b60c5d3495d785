"""System check: FilterSets using PostgreSQL lookups need ``django.contrib.postgres``.

Nothing is registered by importing this module: the first FilterSet that
compiles with such lookups registers the check (``remember_postgres_lookups``),
so a project without an app for restflow.filters gets it all the same.

restflow-filters has no Django app; its check id uses the label-style name
``restflow_filters``. The former id, ``restflow.filters.E001``, still
silences it (:data:`FORMER_IDS`).
"""

from __future__ import annotations

import weakref
from typing import Any

from django.apps import apps
from django.core import checks

from restflow.settings.checks import honour_former_ids

__all__ = [
    "FORMER_IDS",
    "POSTGRES_LOOKUPS_ERROR",
    "check_postgres_lookups",
    "filtersets_with_postgres_lookups",
    "remember_postgres_lookups",
]

POSTGRES_LOOKUPS_ERROR = "restflow_filters.E001"
FORMER_IDS = {POSTGRES_LOOKUPS_ERROR: "restflow.filters.E001"}
"""Current id -> the id the check had before ids followed the app label."""

_with_postgres_lookups: weakref.WeakSet[type] = weakref.WeakSet()


def remember_postgres_lookups(filterset: type) -> None:
    """Note a FilterSet class that uses PostgreSQL lookups; registers the check (once)."""
    _with_postgres_lookups.add(filterset)
    checks.register(check_postgres_lookups, checks.Tags.compatibility)


def filtersets_with_postgres_lookups() -> list[type[Any]]:
    """FilterSet classes that use ``django.contrib.postgres`` lookups (for the system check)."""
    return list(_with_postgres_lookups)


@honour_former_ids(FORMER_IDS)
def check_postgres_lookups(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """``restflow_filters.E001`` for each FilterSet whose postgres lookups cannot work."""
    if apps.is_installed("django.contrib.postgres"):
        return []
    return [
        checks.Error(
            f"{cls.__module__}.{cls.__qualname__} uses PostgreSQL lookups (search, "
            "trigram_similar, unaccent, overlaps, contained_by), which need "
            "'django.contrib.postgres' in INSTALLED_APPS.",
            hint="Add 'django.contrib.postgres' to INSTALLED_APPS, or drop those lookups.",
            obj=cls,
            id=POSTGRES_LOOKUPS_ERROR,
        )
        for cls in filtersets_with_postgres_lookups()
    ]
