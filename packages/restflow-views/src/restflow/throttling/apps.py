"""Django app config: add ``"restflow.throttling"`` to ``INSTALLED_APPS`` for its system checks.

Importing the package registers them (``restflow/throttling/__init__.py``);
installing the app makes Django import it at start-up.
"""

from __future__ import annotations

from django.apps import AppConfig


class RestflowThrottlingConfig(AppConfig):
    """Registers the throttle-rate system checks (``restflow_views.E001``/``E002``)."""

    name = "restflow.throttling"
    label = "restflow_throttling"
    verbose_name = "restflow throttling"
