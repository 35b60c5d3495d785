"""Cache keys: key fields, key constructors and the injective part encoding."""

from restflow.caching.keys.constructor import (
    BoundKey,
    DefaultKeyConstructor,
    InlineKeyConstructor,
    KeyConstructor,
)
from restflow.caching.keys.context import KeyContext
from restflow.caching.keys.fields import (
    ArgsKeyField,
    ConstantKeyField,
    ContextKeyField,
    HostKeyField,
    KeyField,
    QueryParamsKeyField,
    RequestValueKeyField,
    ViewKwargsKeyField,
)
from restflow.caching.keys.fingerprints import DjangoModelKeyField, DrfSerializerKeyField

__all__ = [
    "ArgsKeyField",
    "BoundKey",
    "ConstantKeyField",
    "ContextKeyField",
    "DefaultKeyConstructor",
    "DjangoModelKeyField",
    "DrfSerializerKeyField",
    "HostKeyField",
    "InlineKeyConstructor",
    "KeyConstructor",
    "KeyContext",
    "KeyField",
    "QueryParamsKeyField",
    "RequestValueKeyField",
    "ViewKwargsKeyField",
]
