"""restflow.caching: declarative caching with automatic invalidation.

Public names are importable from here; nothing touches settings or the database at import.
The built-in dispatcher classes load on first use (a broker's module only when named).
"""

import importlib
from typing import TYPE_CHECKING, Any

from restflow.caching.dispatchers import Dispatcher, Task, register_dispatcher, run_task
from restflow.caching.invalidation import InvalidationRule
from restflow.caching.keys import (
    ArgsKeyField,
    ConstantKeyField,
    ContextKeyField,
    DefaultKeyConstructor,
    DjangoModelKeyField,
    DrfSerializerKeyField,
    HostKeyField,
    InlineKeyConstructor,
    KeyConstructor,
    KeyField,
    QueryParamsKeyField,
    RequestValueKeyField,
    ViewKwargsKeyField,
)
from restflow.caching.response import DefaultResponseKeyConstructor, cache_response
from restflow.caching.status import CACHE_MISSING, CacheStatus
from restflow.caching.wrapper import CachedWrapper, cache_result

if TYPE_CHECKING:
    from restflow.caching.dispatchers.asyncio import AsyncioDispatcher
    from restflow.caching.dispatchers.celery import CeleryDispatcher
    from restflow.caching.dispatchers.django_q import DjangoQDispatcher
    from restflow.caching.dispatchers.django_rq import DjangoRQDispatcher
    from restflow.caching.dispatchers.dramatiq import DramatiqDispatcher
    from restflow.caching.dispatchers.inline import InlineDispatcher
    from restflow.caching.dispatchers.rq import RQDispatcher
    from restflow.caching.dispatchers.threadpool import ThreadPoolDispatcher

    AsyncIODispatcher = AsyncioDispatcher
    """Another spelling of ``AsyncioDispatcher`` (the same class)."""
    DjangoRqDispatcher = DjangoRQDispatcher
    """Another spelling of ``DjangoRQDispatcher`` (the same class)."""

__all__ = [
    "CACHE_MISSING",
    "ArgsKeyField",
    "AsyncIODispatcher",
    "AsyncioDispatcher",
    "CacheStatus",
    "CachedWrapper",
    "CeleryDispatcher",
    "ConstantKeyField",
    "ContextKeyField",
    "DefaultKeyConstructor",
    "DefaultResponseKeyConstructor",
    "Dispatcher",
    "DjangoModelKeyField",
    "DjangoQDispatcher",
    "DjangoRQDispatcher",
    "DjangoRqDispatcher",
    "DramatiqDispatcher",
    "DrfSerializerKeyField",
    "HostKeyField",
    "InlineDispatcher",
    "InlineKeyConstructor",
    "InvalidationRule",
    "KeyConstructor",
    "KeyField",
    "QueryParamsKeyField",
    "RQDispatcher",
    "RequestValueKeyField",
    "Task",
    "ThreadPoolDispatcher",
    "ViewKwargsKeyField",
    "cache_response",
    "cache_result",
    "register_dispatcher",
    "run_task",
]

_DISPATCHERS = "restflow.caching.dispatchers"
# name -> (module, attribute); the second pair of each alias is the reference library's spelling
_LAZY: dict[str, tuple[str, str]] = {
    "InlineDispatcher": (f"{_DISPATCHERS}.inline", "InlineDispatcher"),
    "ThreadPoolDispatcher": (f"{_DISPATCHERS}.threadpool", "ThreadPoolDispatcher"),
    "AsyncioDispatcher": (f"{_DISPATCHERS}.asyncio", "AsyncioDispatcher"),
    "AsyncIODispatcher": (f"{_DISPATCHERS}.asyncio", "AsyncioDispatcher"),
    "CeleryDispatcher": (f"{_DISPATCHERS}.celery", "CeleryDispatcher"),
    "RQDispatcher": (f"{_DISPATCHERS}.rq", "RQDispatcher"),
    "DjangoRQDispatcher": (f"{_DISPATCHERS}.django_rq", "DjangoRQDispatcher"),
    "DjangoRqDispatcher": (f"{_DISPATCHERS}.django_rq", "DjangoRQDispatcher"),
    "DjangoQDispatcher": (f"{_DISPATCHERS}.django_q", "DjangoQDispatcher"),
    "DramatiqDispatcher": (f"{_DISPATCHERS}.dramatiq", "DramatiqDispatcher"),
}


def __getattr__(name: str) -> Any:
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'restflow.caching' has no attribute {name!r}")
    value = getattr(importlib.import_module(target[0]), target[1])
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
