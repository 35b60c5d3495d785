"""restflow.spectacular: OpenAPI schema generation for restflow on drf-spectacular."""

from __future__ import annotations

from typing import Any

__all__ = ["RestflowAutoSchema"]


def __getattr__(name: str) -> Any:
    if name == "RestflowAutoSchema":
        from restflow.spectacular.schema import RestflowAutoSchema

        return RestflowAutoSchema
    raise AttributeError(name)
