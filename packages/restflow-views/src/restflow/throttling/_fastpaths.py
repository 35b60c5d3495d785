"""The fast paths of restflow.throttling, each with its public path beside it.

Every fast path here is checked once, at import, and replaced by its public
path when the internal it relies on is missing or has another shape;
``RESTFLOW_FAST_PATHS=0`` in the environment (read at import) turns them all off.

- **The server and options of a ``RedisCache`` object** (:func:`redis_location`):
  a throttle naming its cache by alias (``cache_alias``, the default) reads them
  from ``settings.CACHES[alias]`` (the public path, in ``_counters.py``). One
  given a cache *object* (``cache = caches["x"]``, DRF's spelling) has no alias
  to look up: this reads the object's ``_servers`` and ``_options`` instead.
  Without it such a throttle counts through Django's cache API (``incr``/``add``:
  two round trips instead of one pipelined round trip, and a thread hop per
  request on the async path).
"""

from __future__ import annotations

import os
from typing import Any

from django.core.cache.backends.redis import RedisCache

__all__ = ["ENABLED", "REDIS_LOCATION", "redis_location"]

ENABLED = os.environ.get("RESTFLOW_FAST_PATHS", "1") != "0"

# RedisCache.__init__ stores the LOCATION servers and the OPTIONS under these names.
REDIS_LOCATION = ENABLED and {"_servers", "_options"} <= set(RedisCache.__init__.__code__.co_names)


def redis_location(cache: Any) -> tuple[str, dict[str, Any]] | None:
    """``(first server URL, OPTIONS)`` of a ``RedisCache`` object; ``None`` when not known."""
    if not REDIS_LOCATION or not isinstance(cache, RedisCache):
        return None
    return _read_location(cache)


def _read_location(cache: RedisCache) -> tuple[str, dict[str, Any]] | None:
    servers = getattr(cache, "_servers", None)
    options = getattr(cache, "_options", None)
    if not isinstance(servers, (list, tuple)) or not servers or not isinstance(options, dict):
        return None
    server = servers[0]
    return (server, dict(options)) if isinstance(server, str) else None
