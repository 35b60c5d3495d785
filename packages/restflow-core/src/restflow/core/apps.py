"""Django app config for restflow-core: registers its system checks."""

from __future__ import annotations

from django.apps import AppConfig
from django.core import checks

from restflow.settings.checks import check_namespace, check_settings


class RestflowCoreConfig(AppConfig):
    """Add ``"restflow.core"`` to ``INSTALLED_APPS`` to get restflow's system checks."""

    name = "restflow.core"
    label = "restflow_core"
    verbose_name = "restflow core"

    def ready(self) -> None:
        checks.register(check_namespace, "restflow")
        checks.register(check_settings, "restflow")
