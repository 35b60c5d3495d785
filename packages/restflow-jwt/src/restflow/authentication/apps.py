"""Django app for restflow-jwt: the ``BlacklistedToken`` model and the JWT system checks."""

from __future__ import annotations

from django.apps import AppConfig


class RestflowAuthenticationConfig(AppConfig):
    """Add ``"restflow.authentication"`` to ``INSTALLED_APPS`` (label ``restflow_authentication``)."""

    name = "restflow.authentication"
    label = "restflow_authentication"
    verbose_name = "restflow authentication"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from restflow.authentication import checks  # noqa: F401  (registers the checks)
