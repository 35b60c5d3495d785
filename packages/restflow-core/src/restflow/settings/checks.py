"""restflow's Django system checks, registered by ``"restflow.core"`` in ``INSTALLED_APPS``.

- ``restflow_core.E001``: ``restflow`` is not a PEP 420 namespace package because
  some distribution (such as the unrelated ``drf-restflow``) installed a
  ``restflow/__init__.py``; restflow's other packages then cannot be imported.
- ``restflow_core.E002``: ``RESTFLOW_SETTINGS`` is invalid (one error per problem).
- ``restflow_core.W001``: a ``RESTFLOW_SETTINGS`` section has its old name.

All carry the ``restflow`` tag: ``manage.py check --tag restflow``.

Check ids are ``<app label>.E###`` / ``W###`` in every restflow package.
:func:`honour_former_ids` keeps the former ids working in
``SILENCED_SYSTEM_CHECKS``.
"""

from __future__ import annotations

import functools
import importlib
import importlib.metadata
import os
from collections.abc import Callable, Mapping, Sequence
from types import ModuleType
from typing import Any, TypeAlias

from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from restflow import settings as restflow_settings

__all__ = [
    "FORMER_IDS",
    "NAMESPACE_ERROR",
    "OLD_SECTION_NAME_WARNING",
    "SETTINGS_ERROR",
    "CheckFunction",
    "check_namespace",
    "check_namespace_package",
    "check_section_names",
    "check_settings",
    "honour_former_ids",
]

NAMESPACE_ERROR = "restflow_core.E001"
SETTINGS_ERROR = "restflow_core.E002"
OLD_SECTION_NAME_WARNING = "restflow_core.W001"

FORMER_IDS = {NAMESPACE_ERROR: "restflow.E001", SETTINGS_ERROR: "restflow.E002"}
"""Current id -> the id the check had before ids followed the app label."""

CheckFunction: TypeAlias = Callable[..., list[checks.CheckMessage]]


def honour_former_ids(former: Mapping[str, str]) -> Callable[[CheckFunction], CheckFunction]:
    """Decorate a system check so that the ids its messages used to have still silence them.

    ``former`` maps a current id to its former one. Django drops a message whose
    id is in ``SILENCED_SYSTEM_CHECKS``; the decorated check also drops one whose
    former id is, so a project's settings keep working after a rename.
    """

    def decorate(check: CheckFunction) -> CheckFunction:
        @functools.wraps(check)
        def honouring(
            app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
        ) -> list[checks.CheckMessage]:
            messages = check(app_configs, **kwargs)
            silenced = set(getattr(settings, "SILENCED_SYSTEM_CHECKS", ()))
            return [m for m in messages if former.get(m.id or "") not in silenced]

        return honouring

    return decorate


def check_namespace_package(module: ModuleType) -> list[checks.CheckMessage]:
    """Return ``restflow_core.E001`` if ``module`` (the imported ``restflow``) is not a namespace.

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


@honour_former_ids(FORMER_IDS)
def check_namespace(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """System check ``restflow_core.E001``: the installed ``restflow`` is a namespace package."""
    return check_namespace_package(importlib.import_module("restflow"))


@honour_former_ids(FORMER_IDS)
def check_settings(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """System check ``restflow_core.E002``: ``RESTFLOW_SETTINGS`` passes :func:`validate_all`."""
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


def check_section_names(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """System check ``restflow_core.W001``: no section of ``RESTFLOW_SETTINGS`` has its old name.

    The old name is still read; the warning names the new one.
    """
    where = restflow_settings.SETTING_NAME
    return [
        checks.Warning(
            f"{where}[{old!r}] is the old name of the {new!r} section: still read, but deprecated.",
            hint=f"Rename the key to {new!r}; nothing else changes.",
            id=OLD_SECTION_NAME_WARNING,
        )
        for old, new in restflow_settings.used_old_names().items()
    ]
