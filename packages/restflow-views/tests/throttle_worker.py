"""One OS process of the cross-process race: count how many of N requests a throttle admits.

Run by ``test_throttling_redis.py`` as ``python throttle_worker.py <json config>``;
prints ``{"admitted": k, "began": t0, "ended": t1}``. The config names the
Redis URL, the key prefix, the implementation (``restflow``/``drf``), the path
(``sync``: N threads on DRF's ``APIView``; ``async``: N gathered requests on
a restflow async view), the fixed clock, and how many processes to wait for:
each process signs in on a Redis key once set up and starts when all have.
"""

from __future__ import annotations

import asyncio
import json
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import django
from django.conf import settings


def configure(config: dict[str, Any]) -> None:
    settings.configure(
        SECRET_KEY="throttle-worker",
        ALLOWED_HOSTS=["*"],
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "rest_framework"],
        DATABASES={},
        CACHES={
            "default": {
                "BACKEND": "throttle_caches.SlowRedisCache",
                "LOCATION": config["redis_url"],
                "KEY_PREFIX": config["prefix"],
            }
        },
        REST_FRAMEWORK={
            "EXCEPTION_HANDLER": "restflow.exceptions.exception_handler",
            "DEFAULT_THROTTLE_RATES": {"anon": f"{config['limit']}/min"},
            "UNAUTHENTICATED_USER": None,
        },
    )
    django.setup()


def build_view(config: dict[str, Any]) -> Any:
    from rest_framework import throttling as drf_throttling
    from rest_framework.response import Response
    from rest_framework.views import APIView

    from restflow.core import AsyncAPIView
    from restflow.throttling import AnonRateThrottle

    base: type = (
        AnonRateThrottle if config["impl"] == "restflow" else drf_throttling.AnonRateThrottle
    )
    attrs: dict[str, Any] = {"timer": staticmethod(lambda: config["now"])}
    if config["impl"] == "drf":
        from django.core.cache import caches

        attrs["cache"] = caches["default"]
        attrs["THROTTLE_RATES"] = {"anon": f"{config['limit']}/min"}
    throttle = type("Racing", (base,), attrs)
    common = {
        "authentication_classes": [],
        "permission_classes": [],
        "throttle_classes": [throttle],
    }
    if config["path"] == "sync":

        def get(self: Any, request: Any) -> Any:
            return Response({"ok": True})

        return type("SyncView", (APIView,), {**common, "get": get}).as_view()

    async def aget(self: Any, request: Any) -> Any:
        return Response({"ok": True})

    return type("AsyncView", (AsyncAPIView,), {**common, "get": aget}).as_view()


def run(config: dict[str, Any]) -> dict[str, Any]:
    from django.test import AsyncRequestFactory, RequestFactory

    view = build_view(config)
    n = config["requests"]
    wait_for_the_others(config)
    began = time.time()
    if config["path"] == "sync":
        factory = RequestFactory()
        gate = threading.Barrier(n)

        def one(_: int) -> int:
            request = factory.get("/", REMOTE_ADDR="10.1.1.1")
            gate.wait(timeout=30)
            return int(view(request).status_code == 200)

        with ThreadPoolExecutor(max_workers=n) as pool:
            admitted = sum(pool.map(one, range(n)))
    else:
        async_factory = AsyncRequestFactory()

        async def gathered() -> int:
            requests = [async_factory.get("/") for _ in range(n)]
            for request in requests:
                request.META["REMOTE_ADDR"] = "10.1.1.1"
            responses = await asyncio.gather(*(view(request) for request in requests))
            from restflow.asynccache import async_cache

            await async_cache("default").aclose()
            return sum(response.status_code == 200 for response in responses)

        admitted = asyncio.run(gathered())
    return {"admitted": admitted, "began": began, "ended": time.time()}


def wait_for_the_others(config: dict[str, Any]) -> None:
    """Sign in on a Redis counter and return once every process has (a cross-process barrier)."""
    import redis

    client = redis.Redis.from_url(config["redis_url"])
    key = f"{config['prefix']}:ready"
    client.incr(key)
    client.expire(key, 120)
    deadline = time.time() + 60
    while int(client.get(key) or 0) < config["processes"]:
        if time.time() > deadline:
            raise SystemExit("the other worker processes never signed in")
        time.sleep(0.001)
    client.close()


if __name__ == "__main__":
    settings_config = json.loads(sys.argv[1])
    configure(settings_config)
    print(json.dumps(run(settings_config)))
