"""The ``SCHEMA`` section of ``RESTFLOW_SETTINGS`` (restflow-spectacular).

``FILTER_METHODS``: the HTTP methods whose operations list a view's FilterSet
parameters. ``None`` (default): drf-spectacular's rule, the operations that list
(``GET`` on a list view), plus the ``GET`` of a view that applies its
``filterset_class`` itself. A view's ``filterset_schema_methods`` overrides it.
"""

from __future__ import annotations

from typing import Any

from restflow.settings import register_section

__all__ = ["HTTP_METHODS", "SCHEMA_SETTINGS", "filter_methods"]

HTTP_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE"})


def _methods(value: Any) -> None:
    if value is None:
        return
    if isinstance(value, str) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"must be None or a list of HTTP method names, got {value!r}")
    unknown = sorted({item.upper() for item in value} - HTTP_METHODS)
    if unknown:
        raise ValueError(f"{unknown} are not HTTP methods")


SCHEMA_SETTINGS = register_section(
    "SCHEMA",
    defaults={"FILTER_METHODS": None},
    types={"FILTER_METHODS": (list, tuple, set, frozenset, None)},
    validators={"FILTER_METHODS": _methods},
)


def filter_methods(view: Any) -> frozenset[str] | None:
    """The methods that document ``view``'s filter parameters, or ``None``: the default rule."""
    chosen = getattr(view, "filterset_schema_methods", None)
    if chosen is None:
        chosen = SCHEMA_SETTINGS.FILTER_METHODS
    if chosen is None:
        return None
    if isinstance(chosen, str):
        raise TypeError(
            f"{type(view).__qualname__}.filterset_schema_methods must be a list of HTTP "
            f"methods, not the string {chosen!r}."
        )
    return frozenset(str(method).upper() for method in chosen)
