"""Django app config: registers the drf-spectacular extensions on ready()."""

from __future__ import annotations

import importlib

from django.apps import AppConfig

from restflow.spectacular import settings  # noqa: F401 (registers the SCHEMA section)

# drf-spectacular registers an extension when its class is created: loading this
# module is what registers restflow's extensions.
_EXTENSIONS_MODULE = "restflow.spectacular.extensions"


class SpectacularConfig(AppConfig):
    """Add ``"restflow.spectacular"`` to ``INSTALLED_APPS`` to register the extensions."""

    name = "restflow.spectacular"
    label = "restflow_spectacular"

    def ready(self) -> None:
        """Load the extensions module (its classes register with drf-spectacular)."""
        importlib.import_module(_EXTENSIONS_MODULE)
