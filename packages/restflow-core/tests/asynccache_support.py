"""Cache aliases and helpers for restflow.asynccache's tests.

Every mode has an alias: ``locmem`` and ``dummy`` (LOOP), ``file`` (THREAD: Django's async
API), and with ``REDIS_URL`` set ``redis`` (Django's ``RedisCache``), ``redis_json`` (the
same with a serializer of its own), ``django_redis`` and ``django_redis_zlib`` (JSON values,
zlib compression) on that server (REDIS). Redis keys carry a per-process prefix.
"""

from __future__ import annotations

import atexit
import functools
import importlib.util
import json
import os
import shutil
import tempfile
import uuid
from typing import Any

from testsupport.ci import skip_or_fail

REDIS_URL = os.environ.get("REDIS_URL")
REDIS_HINT = "needs Redis: python scripts/services.py start && source .services.env"
HAS_CLIENTS = all(importlib.util.find_spec(name) for name in ("redis", "django_redis"))
PREFIX = f"rf-core-tests-{os.getpid()}"

IN_PROCESS = ["locmem", "dummy"]
THREAD = ["file"]
REDIS = ["redis", "django_redis"]
REDIS_CODECS = ["redis", "redis_json", "django_redis", "django_redis_zlib"]
STORING = ["locmem", "file", *REDIS]  # every alias that keeps what it is given
ALL = ["locmem", "dummy", "file", *REDIS]
PATHS = ["sync", "async"]


class JSONSerializer:
    """A serializer for Django's ``RedisCache`` (its ``serializer`` option): JSON text."""

    def dumps(self, obj: Any) -> bytes:
        return json.dumps(obj).encode()

    def loads(self, data: bytes) -> Any:
        return json.loads(data)


def _file_cache_dir() -> str:
    path = tempfile.mkdtemp(prefix="restflow-asynccache-")
    atexit.register(functools.partial(shutil.rmtree, path, ignore_errors=True))
    return path


def caches_setting() -> dict[str, dict[str, Any]]:
    """``CACHES`` for restflow-core's tests."""
    caches: dict[str, dict[str, Any]] = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "locmem": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "asynccache",
        },
        "dummy": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
        "file": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": _file_cache_dir(),
        },
    }
    if REDIS_URL and HAS_CLIENTS:
        caches.update(redis_caches(REDIS_URL))
    return caches


def redis_caches(url: str) -> dict[str, dict[str, Any]]:
    """The Redis aliases on ``url``."""
    django, django_redis = (
        "django.core.cache.backends.redis.RedisCache",
        "django_redis.cache.RedisCache",
    )
    return {
        "redis": {"BACKEND": django, "LOCATION": url, "KEY_PREFIX": PREFIX},
        "redis_json": {
            "BACKEND": django,
            "LOCATION": url,
            "KEY_PREFIX": PREFIX + "-json",
            "OPTIONS": {"serializer": "asynccache_support.JSONSerializer"},
        },
        "django_redis": {"BACKEND": django_redis, "LOCATION": url, "KEY_PREFIX": PREFIX + "-dr"},
        "django_redis_zlib": {
            "BACKEND": django_redis,
            "LOCATION": url,
            "KEY_PREFIX": PREFIX + "-drz",
            "OPTIONS": {
                "SERIALIZER": "django_redis.serializers.json.JSONSerializer",
                "COMPRESSOR": "django_redis.compressors.zlib.ZlibCompressor",
            },
        },
    }


def need_redis() -> str:
    """``REDIS_URL`` with both clients installed, or skip saying how (fail when ``CI=true``)."""
    why = None
    if not REDIS_URL:
        why = REDIS_HINT
    elif not HAS_CLIENTS:
        why = "needs the redis and django-redis packages (pip install redis django-redis)"
    if why is None:
        return REDIS_URL  # type: ignore[return-value]
    skip_or_fail(why)


def needs(alias: str) -> str:
    """``alias``, after skipping (or failing under CI) when it needs a missing Redis."""
    if alias.startswith(("redis", "django_redis")):
        need_redis()
    return alias


def fresh_key(name: str = "k") -> str:
    """A key no other test (or process on the shared Redis) uses."""
    return f"{name}-{uuid.uuid4().hex}"


async def both(adapter: Any, path: str, op: str, *args: Any, **kwargs: Any) -> Any:
    """``adapter.<op>(...)`` on the sync path, ``await adapter.a<op>(...)`` on the async one."""
    if path == "sync":
        return getattr(adapter, op)(*args, **kwargs)
    return await getattr(adapter, "a" + op)(*args, **kwargs)
