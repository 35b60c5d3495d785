"""The ``restflow.caching`` Django app: discovers cached functions and their rules at start-up."""

from __future__ import annotations

from django.apps import AppConfig
from django.core import checks
from django.utils.module_loading import autodiscover_modules

from restflow.caching.checks import check_caching
from restflow.caching.dispatchers.checks import check_default_dispatcher, check_dispatchers
from restflow.caching.invalidation.rule import resolve_pending_rules
from restflow.caching.settings import CACHE_SETTINGS


class RestflowCachingConfig(AppConfig):
    """Add ``"restflow.caching"`` to ``INSTALLED_APPS``.

    At start-up it imports ``<app>.<module>`` for every installed app and every module named
    in ``CACHE_SETTINGS.AUTODISCOVER_MODULES`` (default ``["cached"]``), so web processes and
    workers know every cached function and invalidation rule, binds rules declared with a
    model label, and registers the system checks (the cache's and the dispatchers').
    """

    name = "restflow.caching"
    label = "restflow_caching"
    verbose_name = "restflow caching"

    def ready(self) -> None:
        checks.register(check_caching, "caches")
        checks.register(check_dispatchers, "restflow")
        checks.register(check_default_dispatcher, "restflow")
        autodiscover_modules(*CACHE_SETTINGS.AUTODISCOVER_MODULES)
        resolve_pending_rules()
