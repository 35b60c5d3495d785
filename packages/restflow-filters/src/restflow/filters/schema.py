"""OpenAPI 3 query parameters for a compiled FilterSet."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from restflow.filters._compile import Compiled

__all__ = ["parameters_for"]


def parameters_for(compiled: Compiled) -> list[dict[str, Any]]:
    """One ``in: query`` parameter object per accepted parameter, ordering included."""
    parameters: list[dict[str, Any]] = []
    for param in compiled.params.values():
        entry: dict[str, Any] = {
            "name": param.name,
            "in": "query",
            "required": compiled.required.get(param.attr) == frozenset({param.name}),
            "description": param.help_text,
            "schema": param.schema,
        }
        if param.many:
            entry["style"] = "form"
            entry["explode"] = False
        parameters.append(entry)
    if compiled.ordering is not None and compiled.order_param is not None:
        parameters.append(
            {
                "name": compiled.order_param,
                "in": "query",
                "required": False,
                "description": compiled.ordering.description(),
                "schema": compiled.ordering.schema(),
                "style": "form",
                "explode": False,
            }
        )
    return parameters
