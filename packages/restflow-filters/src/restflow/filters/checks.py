"""System check: FilterSets using PostgreSQL lookups need ``django.contrib.postgres``."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core import checks

from restflow.filters.filterset import filtersets_with_postgres_lookups

__all__ = ["check_postgres_lookups"]


@checks.register(checks.Tags.compatibility)
def check_postgres_lookups(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """restflow.filters.E001 for each FilterSet whose postgres lookups cannot work."""
    if apps.is_installed("django.contrib.postgres"):
        return []
    return [
        checks.Error(
            f"{cls.__module__}.{cls.__qualname__} uses PostgreSQL lookups (search, "
            "trigram_similar, unaccent, overlaps, contained_by), which need "
            "'django.contrib.postgres' in INSTALLED_APPS.",
            hint="Add 'django.contrib.postgres' to INSTALLED_APPS, or drop those lookups.",
            obj=cls,
            id="restflow.filters.E001",
        )
        for cls in filtersets_with_postgres_lookups()
    ]
