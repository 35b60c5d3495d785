"""Django app config for restflow-core: its system checks and what the async loop knows of DRF."""

from __future__ import annotations

from django.apps import AppConfig
from django.core import checks

from restflow.core import _drf
from restflow.settings.checks import check_namespace, check_section_names, check_settings


class RestflowCoreConfig(AppConfig):
    """restflow-core's app: add ``"restflow.core"`` to ``INSTALLED_APPS``.

    ``ready()`` registers restflow's system checks and lets the async views run
    DRF's I/O-free hooks and default authenticators on the event loop.
    """

    name = "restflow.core"
    label = "restflow_core"
    verbose_name = "restflow core"

    def ready(self) -> None:
        checks.register(check_namespace, "restflow")
        checks.register(check_settings, "restflow")
        checks.register(check_section_names, "restflow")
        _drf.install()
