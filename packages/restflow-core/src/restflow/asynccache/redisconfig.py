"""Whether a cache alias can be reached natively through ``redis.asyncio``, and how.

Decided from public parts only: ``settings.CACHES[alias]`` (``LOCATION``, ``OPTIONS``),
the cache's class and, for django-redis, its ``client`` object's class and public
``encode``/``decode``. Anything this does not understand (a connection pool, parser or
client class of the user's, Sentinel, django-redis swallowing errors with
``IGNORE_EXCEPTIONS``, a subclass of either backend, connection options the asyncio
client refuses) answers the reason instead, and the cache is reached through Django's
async API. Nothing here connects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.redis import RedisCache
from django.utils.module_loading import import_string

from restflow.asynccache import _compat
from restflow.asynccache.dialects import (
    Dialect,
    DjangoDialect,
    DjangoRedisDialect,
    django_serializer,
)

__all__ = ["RedisSetup", "redis_setup"]


@dataclass(frozen=True)
class RedisSetup:
    """The first server's URL, the connection keyword arguments, the write rules."""

    url: str
    options: dict[str, Any]
    dialect: Dialect


_DJANGO_REDIS_DEFAULTS = {
    "CLIENT_CLASS": ("django_redis.client.DefaultClient",),
    "CONNECTION_POOL_CLASS": ("redis.connection.ConnectionPool", "redis.ConnectionPool"),
    "REDIS_CLIENT_CLASS": ("redis.client.Redis", "redis.client.StrictRedis", "redis.Redis"),
    "CONNECTION_FACTORY": ("django_redis.pool.ConnectionFactory",),
}
_DJANGO_REDIS_REFUSED = ("PARSER_CLASS", "REDIS_CLIENT_KWARGS", "SENTINELS")
_DJANGO_REDIS_CONNECTION = {
    "USERNAME": "username",
    "PASSWORD": "password",
    "SOCKET_TIMEOUT": "socket_timeout",
    "SOCKET_CONNECT_TIMEOUT": "socket_connect_timeout",
}


def redis_setup(alias: str, cache: BaseCache) -> RedisSetup | str:
    """How to reach ``caches[alias]`` natively, or why it cannot be."""
    if _compat.redis_asyncio is None:
        return "redis-py is not installed"
    params = settings.CACHES.get(alias, {})
    if type(cache) is RedisCache:
        found = _django(cache, params)
    elif (
        _compat.django_redis_cache is not None
        and type(cache) is _compat.django_redis_cache.RedisCache
    ):
        found = _django_redis(cache, params)
    else:
        return f"{type(cache).__module__}.{type(cache).__qualname__} is not a Redis backend handled natively"
    if isinstance(found, str):
        return found
    return _checked(found)


def _servers(location: Any, separators: str) -> list[str]:
    if isinstance(location, str):
        return re.split(separators, location)
    return [str(server) for server in location or ()]


def _django(cache: BaseCache, params: dict[str, Any]) -> RedisSetup | str:
    options = dict(params.get("OPTIONS") or {})
    refused = sorted({"pool_class", "parser_class"} & options.keys())
    if refused:
        return f"OPTIONS {refused} name sync redis-py classes"
    serializer = django_serializer(options.pop("serializer", None))
    servers = _servers(params.get("LOCATION", ""), "[;,]")
    return RedisSetup(servers[0], options, DjangoDialect(cache, serializer))


def _django_redis(cache: BaseCache, params: dict[str, Any]) -> RedisSetup | str:
    options = params.get("OPTIONS") or {}
    configured = {
        "CONNECTION_FACTORY": getattr(
            settings, "DJANGO_REDIS_CONNECTION_FACTORY", "django_redis.pool.ConnectionFactory"
        ),
        **{name: options[name] for name in _DJANGO_REDIS_DEFAULTS if options.get(name)},
    }
    for name, value in configured.items():
        if value not in _DJANGO_REDIS_DEFAULTS[name]:
            return f"django-redis {name} {value!r} is not handled natively"
    refused = [name for name in _DJANGO_REDIS_REFUSED if options.get(name)]
    if refused:
        return f"django-redis OPTIONS {refused} are not handled natively"
    if options.get("IGNORE_EXCEPTIONS", getattr(settings, "DJANGO_REDIS_IGNORE_EXCEPTIONS", False)):
        return "django-redis IGNORE_EXCEPTIONS hides errors on the sync side"
    client = cache.client  # type: ignore[attr-defined]  # django-redis's public client
    if type(client) is not import_string("django_redis.client.DefaultClient"):
        return f"django-redis client {type(client).__qualname__} is not handled natively"
    connection = {
        keyword: options[name]
        for name, keyword in _DJANGO_REDIS_CONNECTION.items()
        if options.get(name)
    }
    connection.update(options.get("CONNECTION_POOL_KWARGS") or {})
    servers = _servers(params.get("LOCATION", ""), ",")
    return RedisSetup(servers[0], connection, DjangoRedisDialect(cache, client))


def _checked(setup: RedisSetup) -> RedisSetup | str:
    """``setup``, once both redis-py clients accept its URL and options (built, not connected)."""
    for library in (_compat.redis, _compat.redis_asyncio):
        try:
            pool = library.ConnectionPool.from_url(setup.url, **setup.options)  # type: ignore[union-attr]
            pool.connection_class(**pool.connection_kwargs)
        except (TypeError, ValueError) as exc:
            return f"redis-py refuses LOCATION/OPTIONS for {library.__name__}: {exc}"  # type: ignore[union-attr]
    return setup
