"""restflow.spectacular: OpenAPI schema generation for restflow on drf-spectacular.

``RestflowAutoSchema`` is imported on first use, so that ``import restflow.spectacular``
(done by Django while loading ``INSTALLED_APPS``) does not import drf-spectacular early.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from restflow.spectacular.schema import RestflowAutoSchema

__all__ = ["RestflowAutoSchema"]

_LAZY = {"RestflowAutoSchema": "restflow.spectacular.schema"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'restflow.spectacular' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
