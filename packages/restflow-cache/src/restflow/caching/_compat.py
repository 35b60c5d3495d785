"""The optional extras, imported in one place; a missing one raises with the pip command."""

from __future__ import annotations

import importlib
from typing import Any

from django.core.exceptions import ImproperlyConfigured

__all__ = ["require_redis_asyncio"]

_REDIS_ASYNCIO: list[Any] = []


def require_redis_asyncio() -> Any:
    """Return ``redis.asyncio`` or raise ``ImproperlyConfigured`` with the install command."""
    if not _REDIS_ASYNCIO:
        try:
            _REDIS_ASYNCIO.append(importlib.import_module("redis.asyncio"))
        except ImportError as exc:  # pragma: no cover - exercised in the fresh-venv check
            raise ImproperlyConfigured(
                "restflow-cache needs redis-py for a django-redis cache: "
                "pip install 'restflow-cache[redis]'"
            ) from exc
    return _REDIS_ASYNCIO[0]
