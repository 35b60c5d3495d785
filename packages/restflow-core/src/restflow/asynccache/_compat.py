"""The optional Redis libraries, imported in one place (``None`` when not installed)."""

from __future__ import annotations

import importlib
from types import ModuleType


def _optional(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ImportError:  # depends on the environment
        return None


redis: ModuleType | None = _optional("redis")
redis_asyncio: ModuleType | None = _optional("redis.asyncio")
django_redis_cache: ModuleType | None = _optional("django_redis.cache")
django_redis_client: ModuleType | None = _optional("django_redis.client")
