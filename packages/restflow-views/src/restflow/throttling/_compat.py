"""Optional libraries of restflow.throttling, imported in one place."""

from __future__ import annotations

import importlib
from types import ModuleType

redis: ModuleType | None
redis_asyncio: ModuleType | None
try:
    redis = importlib.import_module("redis")
    redis_asyncio = importlib.import_module("redis.asyncio")
except ImportError:  # pragma: no cover - depends on the environment
    redis = redis_asyncio = None
