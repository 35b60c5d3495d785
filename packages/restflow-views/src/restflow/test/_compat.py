"""Optional extras of restflow.test, imported in one place."""

from __future__ import annotations

import importlib
from types import ModuleType

from django.core.exceptions import ImproperlyConfigured

uvicorn: ModuleType | None
try:
    uvicorn = importlib.import_module("uvicorn")
except ImportError:  # pragma: no cover - depends on the environment
    uvicorn = None


def require_uvicorn() -> ModuleType:
    """Return the uvicorn module or say how to install it."""
    if uvicorn is None:
        raise ImproperlyConfigured(
            "The restflow.test live server needs uvicorn: pip install 'uvicorn>=0.30'"
        )
    return uvicorn
