"""restflow's Django system checks, registered by ``"restflow.core"`` in ``INSTALLED_APPS``.

- ``restflow.E001``: ``restflow`` is not a PEP 420 namespace package because
  some distribution (such as the unrelated ``drf-restflow``) installed a
  ``restflow/__init__.py``; restflow's other packages then cannot be imported.
- ``restflow.E002``: ``RESTFLOW_SETTINGS`` is invalid (one error per problem).

Both carry the ``restflow`` tag: ``manage.py check --tag restflow``.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import os
from collections.abc import Sequence
from types import ModuleType
from typing import Any

from django.apps import AppConfig
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from restflow import settings as restflow_settings

__all__ = [
    "NAMESPACE_ERROR",
    "SETTINGS_ERROR",
    "check_namespace",
    "check_namespace_package",
    "check_settings",
]

NAMESPACE_ERROR = "restflow.E001"
SETTINGS_ERROR = "restflow.E002"


def check_namespace_package(module: ModuleType) -> list[checks.CheckMessage]:
    """Return ``restflow.E001`` if ``module`` (the imported ``restflow``) is not a namespace.

    A namespace package has no ``__file__``; a regular package has the path
    of its ``__init__.py``, and the error names that path and, when a
    distribution's file list owns it, the distribution to uninstall.
    """
    path = getattr(module, "__file__", None)
    if path is None:
        return []
    owner = _owning_distribution(path)
    if owner is not None:
        hint = (
            f"The distribution {owner!r} installed it. restflow's packages cannot share the "
            f"'restflow' name with it: pip uninstall {owner}"
        )
    else:
        hint = (
            "No installed distribution lists this file: delete it (and its restflow/ "
            "directory if nothing else is in it), or uninstall whatever created it."
        )
    return [
        checks.Error(
            f"'restflow' must be a namespace package, but {path} makes it a regular package: "
            "only the restflow subpackages next to that file can be imported, every other "
            "restflow distribution is hidden.",
            hint=hint,
            obj=module.__name__,
            id=NAMESPACE_ERROR,
        )
    ]


def _owning_distribution(path: str) -> str | None:
    """Name the installed distribution whose file list contains ``path``, if any."""
    target = os.path.realpath(path)
    for dist in importlib.metadata.distributions():
        for file in dist.files or ():
            if file.parts[-1:] != ("__init__.py",) or file.parts[-2:-1] != ("restflow",):
                continue
            if os.path.realpath(str(dist.locate_file(file))) == target:
                name: str | None = dist.metadata["Name"]
                return name or None
    return None


def check_namespace(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """System check ``restflow.E001``: the installed ``restflow`` is a namespace package."""
    return check_namespace_package(importlib.import_module("restflow"))


def check_settings(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """System check ``restflow.E002``: ``RESTFLOW_SETTINGS`` passes :func:`validate_all`."""
    try:
        restflow_settings.validate_all()
    except ImproperlyConfigured as exc:
        problems = getattr(exc, "problems", None) or [str(exc)]
        return [
            checks.Error(
                problem,
                hint=(
                    f"Fix {restflow_settings.SETTING_NAME} in your Django settings; each "
                    "restflow package documents the keys of its section."
                ),
                id=SETTINGS_ERROR,
            )
            for problem in problems
        ]
    return []
