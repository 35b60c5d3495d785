"""Benchmark restflow-cache hits against hand-written ``cache.get`` and drf-extensions.

Parts, each with the implementations interleaved round-robin in every round:

  function (per backend: LocMem, and Redis through django-redis when REDIS_URL is set)
    hand-get        a hand-written ``cache.get(f"user:{uid}")`` with its ``None`` check
    restflow-sync   a hit through ``@cache_result`` on a sync function
    restflow-async  ``await`` of a hit through ``@cache_result`` on an async function
    django-aget     ``await cache.aget(key)`` (Django's async cache API), for reference
  response (LocMem; a DRF ``APIView`` answering a small JSON body, cache hit)
    drf-extensions  ``rest_framework_extensions.cache.decorators.cache_response``, its
                    default key (view method, format, language: no query string, user
                    or host, so one response is served to every user and query)
    drf-extensions-keyed  the same, keyed on what restflow's default key holds (query
                    string, URL kwargs, user, host and scheme, format, language)
    restflow        ``restflow.caching.cache_response`` on the same view
    restflow-async  ``cache_response`` on the same handler on ``restflow.core.AsyncAPIView``

Run it with the bench venv:

  .bench-venv/bin/python scripts/bench/cache_hit.py [--quick] [--rounds N] [--json PATH]

Targets: restflow-sync <= 1.3x hand-get; restflow-async <= 2x hand-get with no thread hop
(counted in an untimed pass); restflow response <= drf-extensions-keyed (the same
protection); against drf-extensions' default key the ratio is reported, not targeted.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path
from typing import Any

import _django
import _http
import _perf
import _venv

HERE = Path(__file__).resolve().parent
DEFAULT_OUTPUT = HERE / "results" / "cache_hit.json"


def _ensure_bench_python() -> None:
    _venv.ensure_bench_python(__file__, "rest_framework_extensions", "restflow.caching")


def _setup_django() -> None:
    _django.configure(
        "cache", redis_backend="django_redis.cache.RedisCache", apps=("restflow.caching",)
    )


# -- thread hops ------------------------------------------------------------------------


# -- function hits ----------------------------------------------------------------------

Timer = _perf.Timer


def function_part(alias: str) -> tuple[dict[str, Timer], dict[str, int]]:
    from django.core.cache import caches

    from restflow.caching import cache_result

    cache = caches[alias]

    def hand_get(uid: int) -> Any:
        value = cache.get(f"user:{uid}")
        if value is None:
            value = {"id": uid, "name": "Ann"}
            cache.set(f"user:{uid}", value, 300)
        return value

    @cache_result(ttl=300, cache_alias=alias)
    def sync_user(uid: int) -> dict[str, Any]:
        return {"id": uid, "name": "Ann"}

    @cache_result(ttl=300, cache_alias=alias)
    async def async_user(uid: int) -> dict[str, Any]:
        return {"id": uid, "name": "Ann"}

    loop = asyncio.new_event_loop()
    hand_get(1), sync_user(1), loop.run_until_complete(async_user(1))
    key = "user:1"

    def t_hand(n: int) -> float:
        start = time.perf_counter_ns()
        for _ in range(n):
            hand_get(1)
        return (time.perf_counter_ns() - start) / n / 1000

    def t_sync(n: int) -> float:
        start = time.perf_counter_ns()
        for _ in range(n):
            sync_user(1)
        return (time.perf_counter_ns() - start) / n / 1000

    async def _async_loop(n: int) -> float:
        start = time.perf_counter_ns()
        for _ in range(n):
            await async_user(1)
        return (time.perf_counter_ns() - start) / n / 1000

    async def _aget_loop(n: int) -> float:
        start = time.perf_counter_ns()
        for _ in range(n):
            await cache.aget(key)
        return (time.perf_counter_ns() - start) / n / 1000

    def t_async(n: int) -> float:
        return loop.run_until_complete(_async_loop(n))

    def t_aget(n: int) -> float:
        return loop.run_until_complete(_aget_loop(max(1, n // 10)))

    hops = {
        "restflow-async": _django.count_hops(lambda: loop.run_until_complete(_async_loop(10)))
        // 10,
        "django-aget": _django.count_hops(lambda: loop.run_until_complete(_aget_loop(10))) // 10,
    }
    timers = {
        "hand-get": t_hand,
        "restflow-sync": t_sync,
        "restflow-async": t_async,
        "django-aget": t_aget,
    }
    return timers, hops


# -- response hits ----------------------------------------------------------------------


def response_part() -> dict[str, Timer]:
    from rest_framework.response import Response
    from rest_framework.test import APIRequestFactory
    from rest_framework.views import APIView
    from rest_framework_extensions.cache.decorators import cache_response as ext_cache_response
    from rest_framework_extensions.key_constructor import bits
    from rest_framework_extensions.key_constructor.constructors import DefaultKeyConstructor

    from restflow.caching import cache_response
    from restflow.core import AsyncAPIView

    body = {"items": [{"id": i, "name": f"item {i}"} for i in range(10)]}

    class ExtView(APIView):
        @ext_cache_response(300)
        def get(self, request: Any) -> Response:
            return Response(body)

    class KeyedLikeRestflow(DefaultKeyConstructor):
        query_params = bits.QueryParamsKeyBit("*")
        kwargs = bits.KwargsKeyBit("*")
        user = bits.UserKeyBit()
        where = bits.RequestMetaKeyBit(
            ["HTTP_HOST", "SERVER_NAME", "SERVER_PORT", "HTTP_X_FORWARDED_PROTO", "wsgi.url_scheme"]
        )

    class ExtKeyedView(APIView):
        @ext_cache_response(300, key_func=KeyedLikeRestflow())
        def get(self, request: Any) -> Response:
            return Response(body)

    class RestflowView(APIView):
        @cache_response(300)
        def get(self, request: Any) -> Response:
            return Response(body)

    class RestflowAsyncView(AsyncAPIView):
        @cache_response(300)
        async def get(self, request: Any) -> Response:
            return Response(body)

    factory = APIRequestFactory()
    views = {
        "drf-extensions": ExtView.as_view(),
        "drf-extensions-keyed": ExtKeyedView.as_view(),
        "restflow": RestflowView.as_view(),
    }
    async_view = RestflowAsyncView.as_view()

    def requests(n: int) -> list[Any]:
        return [factory.get("/items", HTTP_ACCEPT="application/json") for _ in range(n)]

    def sync_timer(view: Any) -> Timer:
        def run(n: int) -> float:
            us, response = _django.time_view(view, requests(n))
            if response.status_code != 200:
                raise RuntimeError(f"status {response.status_code}")
            return us

        run(5)
        return run

    loop = asyncio.new_event_loop()

    def async_timer(n: int) -> float:
        us, response = loop.run_until_complete(_django.atime_view(async_view, requests(n)))
        if response.status_code != 200 or response["X-Cache-Status"] != "HIT":
            raise RuntimeError("the async view did not hit")
        return us

    async_timer(5)
    timers = {name: sync_timer(view) for name, view in views.items()}
    timers["restflow-async"] = async_timer
    return timers


# -- running ----------------------------------------------------------------------------


def _versions() -> dict[str, str]:
    names = [
        "django",
        "djangorestframework",
        "drf-extensions",
        "django-redis",
        "redis",
        "restflow-core",
        "restflow-cache",
        "-",
    ]
    return {name: version or "-" for name, version in _http.versions(names).items()}


def main() -> int:
    args = _perf.parse(_perf.parser(__doc__, DEFAULT_OUTPUT, rounds=9, gc_off=True), quick_rounds=3)
    _http.pin(0, _http.cpu_pair(args.pin)[0])
    _ensure_bench_python()
    _setup_django()
    _django.print_header(_versions())
    print(f"{args.rounds} rounds, interleaved; figures are µs per call\n")

    report: dict[str, Any] = {"versions": _versions(), "parts": {}, "targets": []}
    targets: list[tuple[str, float, float, bool]] = []
    for alias in _django.cache_aliases():
        label = "LocMem" if alias == "default" else "Redis (django-redis)"
        timers, hops = function_part(alias)
        part = _perf.timed({f"function-{alias}": timers}, args, "hand-get")[f"function-{alias}"]
        cells = {name: f"  hops/call {count}" for name, count in hops.items()}
        _perf.print_part(f"function hit, {label}", part, "hand-get", cells)
        best = part["best"]
        sync_ratio = best["restflow-sync"] / best["hand-get"]
        async_ratio = best["restflow-async"] / best["hand-get"]
        targets.append((f"{label}: sync hit <= 1.3x hand-get", sync_ratio, 1.3, sync_ratio <= 1.3))
        ok = async_ratio <= 2.0 and hops["restflow-async"] == 0
        targets.append((f"{label}: async hit <= 2x hand-get, 0 hops", async_ratio, 2.0, ok))
        report["parts"][f"function-{alias}"] = {**part, "hops": hops}

    part = _perf.timed({"response": response_part()}, args, "drf-extensions-keyed")["response"]
    _perf.print_part("response hit, LocMem (DRF APIView, 10-item JSON body)", part,
                     "drf-extensions-keyed")  # fmt: skip
    best = part["best"]
    default_ratio = best["restflow"] / best["drf-extensions"]
    print(f"restflow / drf-extensions with its default (unsafe) key: {default_ratio:.2f}\n")
    resp_ratio = best["restflow"] / best["drf-extensions-keyed"]
    targets.append(("cache_response <= drf-extensions-keyed", resp_ratio, 1.0, resp_ratio <= 1.0))
    report["parts"]["response"] = {**part, "restflow/drf-extensions": default_ratio}

    for text, ratio, limit, ok in targets:
        print(f"{'PASS' if ok else 'FAIL'}  {text}: {ratio:.2f} (limit {limit})")
        report["targets"].append({"target": text, "ratio": ratio, "limit": limit, "pass": ok})
    _django.write_results(args.output, report, args.quick)
    return 1 if args.strict and not all(ok for *_, ok in targets) else 0


if __name__ == "__main__":
    sys.exit(main())
