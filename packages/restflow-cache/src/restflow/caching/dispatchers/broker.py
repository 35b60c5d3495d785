"""``BrokerDispatcher``: the base of the dispatchers that enqueue to a task queue."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

import restflow.caching.dispatchers._brokers as _brokers
from restflow.caching.dispatchers.base import Dispatcher

__all__ = ["BROKER_CONFIG", "MISSING_EXTRA", "BrokerDispatcher", "load_object"]

MISSING_EXTRA = "restflow_caching.E102"
BROKER_CONFIG = "restflow_caching.E104"


def load_object(value: Any, what: str) -> Any:
    """``value`` itself, or the object a ``"module:attr"``/``"module.attr"`` path names."""
    if not isinstance(value, str):
        return value
    path = value.replace(":", ".")
    try:
        return import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"cannot import the {what} {value!r}: {exc}") from exc


class BrokerDispatcher(Dispatcher):
    """A dispatcher backed by a broker extra (``requires`` lists its modules).

    Building one whose extra is missing raises ``ImproperlyConfigured`` with
    the pip command; the broker itself is imported on first use.
    """

    requires: ClassVar[tuple[str, ...]] = ()

    def __init__(self, **config: Any) -> None:
        problem = _brokers.missing(*self.requires)
        if problem is not None:
            raise ImproperlyConfigured(f"{self._owner()} needs a broker extra: {problem}")
        super().__init__(**config)

    def check(self) -> list[checks.CheckMessage]:
        problem = _brokers.missing(*self.requires)
        if problem is not None:
            return [checks.Error(f"{self._owner()}: {problem}", obj=self, id=MISSING_EXTRA)]
        return self.check_broker()

    def check_broker(self) -> list[checks.CheckMessage]:
        """Broker-specific start-up checks (queue known, app importable, …)."""
        return []

    def check_loading(self, option: str, load: Callable[[], Any]) -> list[checks.CheckMessage]:
        """The error of ``load()`` when config ``option`` is a dotted path (imported at check)."""
        if isinstance(self.config[option], str):
            try:
                load()
            except ImproperlyConfigured as exc:
                return [self.error(str(exc))]
        return []

    def error(self, message: str, hint: str | None = None) -> checks.Error:
        """A system-check error about this dispatcher's broker configuration."""
        return checks.Error(f"{self._owner()}: {message}", hint=hint, obj=self, id=BROKER_CONFIG)
