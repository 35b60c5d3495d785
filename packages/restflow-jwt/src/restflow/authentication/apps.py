"""Django app for restflow-jwt: the ``BlacklistedToken`` model and the JWT system checks."""

from __future__ import annotations

from django.apps import AppConfig
from django.core import checks

from restflow.authentication.checks import (
    check_blacklist,
    check_keys,
    check_login_throttle,
    check_user_id_field,
)


class RestflowAuthenticationConfig(AppConfig):
    """Add ``"restflow.authentication"`` to ``INSTALLED_APPS`` (label ``restflow_authentication``).

    ``ready()`` registers the JWT system checks (tag ``restflow``).
    """

    name = "restflow.authentication"
    label = "restflow_authentication"
    verbose_name = "restflow authentication"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        for check in (check_keys, check_blacklist, check_login_throttle, check_user_id_field):
            checks.register(check, "restflow")
