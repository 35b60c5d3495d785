"""System checks for dispatchers (registered by the ``restflow.caching`` app's ``ready()``).

- ``restflow_caching.E101``: an unknown dispatcher name.
- ``restflow_caching.E102``: a broker dispatcher whose extra is not installed.
- ``restflow_caching.E103``: an invalid ``dispatcher_config``.
- ``restflow_caching.E104``: a broker setting the dispatcher relies on is wrong
  (a django-rq queue missing from ``RQ_QUEUES``, no ``Q_CLUSTER``, …).

The former ids (``restflow.caching.E10x``) still silence them (:data:`FORMER_IDS`).
Every dispatcher built by ``get_dispatcher`` is checked at ``manage.py check``,
and so is ``RESTFLOW_SETTINGS["CACHE"]["DEFAULT_DISPATCHER"]`` with its config;
:func:`check_dispatcher` checks a spec without raising (for callers that keep
specs, such as invalidation rules).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.apps import AppConfig
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from restflow.caching.dispatchers.base import Dispatcher
from restflow.caching.dispatchers.broker import BROKER_CONFIG, MISSING_EXTRA
from restflow.caching.dispatchers.registry import build_dispatcher, built_dispatchers
from restflow.caching.settings import CACHE_SETTINGS
from restflow.settings.checks import honour_former_ids

__all__ = [
    "CONFIG_ERROR",
    "FORMER_IDS",
    "UNKNOWN_DISPATCHER",
    "check_default_dispatcher",
    "check_dispatcher",
    "check_dispatchers",
]

UNKNOWN_DISPATCHER = "restflow_caching.E101"
CONFIG_ERROR = "restflow_caching.E103"

FORMER_IDS = {
    new: new.replace("restflow_caching.", "restflow.caching.")
    for new in (UNKNOWN_DISPATCHER, MISSING_EXTRA, CONFIG_ERROR, BROKER_CONFIG)
}
"""Current id -> the id the check had before ids followed the app label."""


def check_dispatcher(
    spec: str | type[Dispatcher] | Dispatcher | None,
    config: Mapping[str, Any] | None = None,
    obj: Any = None,
) -> list[checks.CheckMessage]:
    """The system-check errors of ``get_dispatcher(spec, config)``; ``obj`` is what they point at."""
    try:
        dispatcher = build_dispatcher(spec, config)
    except ImproperlyConfigured as exc:
        text = str(exc)
        if text.startswith("Unknown dispatcher"):
            check_id = UNKNOWN_DISPATCHER
        elif "pip install" in text:
            check_id = MISSING_EXTRA
        else:
            check_id = CONFIG_ERROR
        return [checks.Error(text, obj=obj, id=check_id)]
    return dispatcher.check()


@honour_former_ids(FORMER_IDS)
def check_dispatchers(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Run :meth:`Dispatcher.check` on every dispatcher built so far."""
    messages: list[checks.CheckMessage] = []
    for dispatcher in built_dispatchers():
        messages.extend(dispatcher.check())
    return messages


@honour_former_ids(FORMER_IDS)
def check_default_dispatcher(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Check the ``CACHE`` section's ``DEFAULT_DISPATCHER`` and ``DEFAULT_DISPATCHER_CONFIG``.

    An invalid section is reported by restflow-core's settings check, not here.
    """
    try:
        spec = CACHE_SETTINGS.DEFAULT_DISPATCHER
        config = CACHE_SETTINGS.DEFAULT_DISPATCHER_CONFIG
    except ImproperlyConfigured:
        return []
    messages = check_dispatcher(spec, config or None, obj="RESTFLOW_SETTINGS['CACHE']")
    for message in messages:
        message.msg = f"RESTFLOW_SETTINGS['CACHE']['DEFAULT_DISPATCHER']: {message.msg}"
    return messages
