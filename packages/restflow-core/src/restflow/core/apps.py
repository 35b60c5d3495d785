"""Django app config for restflow-core: registers its system checks."""

from __future__ import annotations

from django.apps import AppConfig


class RestflowCoreConfig(AppConfig):
    """Add ``"restflow.core"`` to ``INSTALLED_APPS`` to get restflow's system checks."""

    name = "restflow.core"
    label = "restflow_core"
    verbose_name = "restflow core"

    def ready(self) -> None:
        from restflow.core import checks  # noqa: F401  (registers the checks)
