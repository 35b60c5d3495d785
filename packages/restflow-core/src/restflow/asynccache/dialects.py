"""How a Redis-backed Django cache writes an entry: its key, its bytes, its expiry.

The native asyncio path must write exactly what the cache's own sync methods write, so
that either side reads what the other wrote. A dialect holds those rules for one backend,
taken from the cache's public API and configuration; it does no I/O.

- Django's ``RedisCache``: keys from ``make_and_validate_key``; values through the
  ``serializer`` of its ``OPTIONS`` (Django's ``RedisSerializer`` by default: ints raw,
  anything else pickled); expiry in whole seconds from ``get_backend_timeout``, a
  timeout of 0 or less deleting the key.
- django-redis (its ``DefaultClient``): keys from ``make_key``; values through the
  client's public ``encode``/``decode`` (its configured serializer and compressor, ints
  raw); expiry in milliseconds, a timeout that rounds to 0 ms or less deleting the key.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.redis import RedisSerializer
from django.utils.module_loading import import_string

__all__ = ["EXPIRED", "Dialect", "DjangoDialect", "DjangoRedisDialect"]

EXPIRED = "expired"
"""What :meth:`Dialect.expiry` answers for a timeout that removes the entry at once."""

Expiry = dict[str, int] | str
"""``SET`` keyword arguments (``{}``, ``{"ex": s}`` or ``{"px": ms}``), or :data:`EXPIRED`."""


class Dialect:
    """The write rules of one Redis-backed cache."""

    #: what ``add`` with an expired timeout does: ``"set-then-delete"`` (Django: add, then
    #: delete at once, answering whether it added) or ``"exists"`` (django-redis: write
    #: nothing, answer whether the key was absent)
    expired_add = "set-then-delete"

    def __init__(self, cache: BaseCache) -> None:
        self.cache = cache

    def key(self, key: str) -> str:
        """The full Redis key of the cache key ``key``."""
        raise NotImplementedError

    def dumps(self, value: Any) -> Any:
        """``value`` as the cache stores it."""
        raise NotImplementedError

    def loads(self, raw: Any) -> Any:
        """The value the cache stored as ``raw``."""
        raise NotImplementedError

    def expiry(self, timeout: Any = DEFAULT_TIMEOUT) -> Expiry:
        """The ``SET`` expiry of a Django ``timeout`` (``None``: never expires)."""
        raise NotImplementedError


def django_serializer(spec: Any) -> Any:
    """The serializer Django's ``RedisCache`` builds from its ``serializer`` option."""
    if isinstance(spec, str):
        spec = import_string(spec)
    if callable(spec):
        spec = spec()
    return spec or RedisSerializer()


class DjangoDialect(Dialect):
    """``django.core.cache.backends.redis.RedisCache``."""

    def __init__(self, cache: BaseCache, serializer: Any) -> None:
        super().__init__(cache)
        self.serializer = serializer
        self.key = cache.make_and_validate_key  # type: ignore[method-assign]
        self.dumps = serializer.dumps  # type: ignore[method-assign]
        self.loads = serializer.loads  # type: ignore[method-assign]

    def expiry(self, timeout: Any = DEFAULT_TIMEOUT) -> Expiry:
        seconds = self.cache.get_backend_timeout(timeout)
        if seconds is None:
            return {}
        return {"ex": int(seconds)} if seconds > 0 else EXPIRED


class DjangoRedisDialect(Dialect):
    """django-redis's ``RedisCache`` with its ``DefaultClient``."""

    expired_add = "exists"

    def __init__(self, cache: BaseCache, client: Any) -> None:
        super().__init__(cache)
        self.key = cache.make_key  # type: ignore[method-assign]  # a str subclass
        self.dumps = client.encode  # type: ignore[method-assign]
        self.loads = client.decode  # type: ignore[method-assign]

    def expiry(self, timeout: Any = DEFAULT_TIMEOUT) -> Expiry:
        if timeout is DEFAULT_TIMEOUT:
            timeout = self.cache.default_timeout
        if timeout is None:
            return {}
        milliseconds = int(timeout * 1000)
        return {"px": milliseconds} if milliseconds > 0 else EXPIRED
