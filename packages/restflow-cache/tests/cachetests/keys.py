"""A key constructor the key and ``cache_result`` tests share."""

from __future__ import annotations

from restflow.caching import ArgsKeyField, ConstantKeyField, KeyConstructor


class UserKey(KeyConstructor):
    user = ArgsKeyField("user_id", partition=True)
    environment = ConstantKeyField("v", "production", partition=True)
    scope = ArgsKeyField("scope")

    class Meta:
        namespace = "users"
