"""Django app config: registers the drf-spectacular extensions on ready()."""

from __future__ import annotations

from django.apps import AppConfig

from restflow.spectacular import settings  # noqa: F401 (registers the SCHEMA section)


class SpectacularConfig(AppConfig):
    """Add ``"restflow.spectacular"`` to ``INSTALLED_APPS`` to register the extensions."""

    name = "restflow.spectacular"
    label = "restflow_spectacular"

    def ready(self) -> None:
        """Import the extensions module so drf-spectacular sees them."""
        from restflow.spectacular import extensions  # noqa: F401
