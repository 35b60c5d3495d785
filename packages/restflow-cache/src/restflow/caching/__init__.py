"""restflow.caching: declarative caching with automatic invalidation.

Public names are importable from here; nothing touches settings or the database at import.
"""

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

__all__ = [
    "CACHE_MISSING",
    "ArgsKeyField",
    "CacheStatus",
    "CachedWrapper",
    "ConstantKeyField",
    "ContextKeyField",
    "DefaultKeyConstructor",
    "DefaultResponseKeyConstructor",
    "DjangoModelKeyField",
    "DrfSerializerKeyField",
    "HostKeyField",
    "InlineKeyConstructor",
    "InvalidationRule",
    "KeyConstructor",
    "KeyField",
    "QueryParamsKeyField",
    "RequestValueKeyField",
    "ViewKwargsKeyField",
    "cache_response",
    "cache_result",
]
