"""The broker extras, imported here only and lazily.

Availability is decided with ``importlib.util.find_spec`` (no import, no side
effect: ``django_q.tasks`` for one imports models), so declaring a broker
dispatcher at import time is cheap and safe; the module itself is imported on
first use. A missing extra raises ``ImproperlyConfigured`` with the pip command.
"""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

from django.core.exceptions import ImproperlyConfigured

__all__ = ["install_command", "missing", "require"]

# importable module -> the restflow-cache extra that installs it
_EXTRA_OF = {
    "celery": "celery",
    "rq": "rq",
    "redis": "rq",
    "django_rq": "rq",
    "django_q": "django-q",
    "dramatiq": "dramatiq",
}


def install_command(extra: str) -> str:
    """The pip command that installs ``restflow-cache[extra]``."""
    return f"pip install 'restflow-cache[{extra}]'"


def missing(*modules: str) -> str | None:
    """A message naming the first of ``modules`` that is not installed, or ``None``."""
    for module in modules:
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            extra = _EXTRA_OF.get(module, module)
            return f"{module!r} is not installed: {install_command(extra)}"
    return None


def require(module: str) -> ModuleType:
    """Import ``module`` (e.g. ``"rq"``, ``"django_q.tasks"``) or raise with the pip command."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        top = module.partition(".")[0]
        if exc.name is not None and exc.name.partition(".")[0] != top:
            raise  # the broker is installed but broken: show the real error
        extra = _EXTRA_OF.get(top, top)
        raise ImproperlyConfigured(
            f"{module!r} is not installed: {install_command(extra)}"
        ) from exc
