"""Django app config: add ``"restflow.throttling"`` to ``INSTALLED_APPS`` for its system checks."""

from __future__ import annotations

from django.apps import AppConfig
from django.core import checks

from restflow.throttling.checks import check_throttle_rates


class RestflowThrottlingConfig(AppConfig):
    """Registers the throttle-rate system checks (``restflow_throttling.E001``/``E002``)."""

    name = "restflow.throttling"
    label = "restflow_throttling"
    verbose_name = "restflow throttling"

    def ready(self) -> None:
        """Register the checks under the ``restflow`` tag (registering twice is harmless)."""
        checks.register(check_throttle_rates, "restflow")
