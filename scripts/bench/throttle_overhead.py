#!/usr/bin/env python3
"""What a throttle adds to a request: restflow's throttles against DRF's, same cache, one run.

    .bench-venv/bin/python scripts/bench/throttle_overhead.py [--rounds N] [--requests N] [--quick]

One trivial ``GET`` answering ``{"ok": true}`` (no authentication, no
permissions, JSON renderer), called in-process on prebuilt requests and
rendered inline, with one ``AnonRateThrottle`` and without (the baselines:
DRF's ``APIView`` for the sync rows, restflow's ``AsyncAPIView`` for the async rows):

  drf             DRF's ``APIView`` + DRF's ``AnonRateThrottle`` (sliding log: get + set)
  restflow-sync   DRF's ``APIView`` + restflow's ``AnonRateThrottle`` (``allow_request``)
  restflow-async  restflow's ``AsyncAPIView`` + restflow's ``AnonRateThrottle``
                  (``aallow_request``, awaited on the loop)
  drf-on-async    restflow's ``AsyncAPIView`` + DRF's throttle (a thread hop per request),
                  for reference only

Overhead = throttled − unthrottled µs per request, from the best round of
each (all six timers run interleaved in every round, the order rotating by
one each round). The
requests cycle through ``--clients`` client addresses and the cache is
emptied before each timing, so each client's DRF history stays short (a few
entries), as for a client well below its rate. The rate never refuses.
Backends: LocMem, and Redis through Django's own ``RedisCache`` when
``REDIS_URL`` is set (``python scripts/services.py start && source .services.env``).
Thread hops of the async throttled view are counted in an untimed pass.

Target (issue 7): restflow's overhead <= DRF's, on the sync and the async path.
"""

from __future__ import annotations

import asyncio
import os
import platform
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import _django
import _http
import _perf
import _venv

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
DEFAULT_OUTPUT = HERE / "results" / "throttle_overhead.json"
RATE = "100000000/hour"

Timer = _perf.Timer


def _ensure_bench_python() -> None:
    _venv.ensure_bench_python(__file__, "rest_framework", "restflow.throttling")


def _setup_django() -> None:
    _django.configure(
        "throttle",
        redis_backend="django.core.cache.backends.redis.RedisCache",
        DEFAULT_THROTTLE_RATES={"anon": RATE},
    )


# -- thread hops ------------------------------------------------------------------------


# -- the views --------------------------------------------------------------------------


def timers_for(alias: str, clients: int) -> tuple[dict[str, Timer], Callable[[], int]]:
    """Six timers on the cache ``alias`` (two baselines, four throttled), and a hop counter."""
    from django.core.cache import caches
    from django.test import RequestFactory
    from rest_framework import throttling as drf_throttling
    from rest_framework.response import Response
    from rest_framework.views import APIView

    import restflow.throttling
    from restflow.core import AsyncAPIView

    cache = caches[alias]
    drf_throttle = type("DRFAnon", (drf_throttling.AnonRateThrottle,), {"cache": cache})
    restflow_throttle = type(
        "RestflowAnon", (restflow.throttling.AnonRateThrottle,), {"cache_alias": alias}
    )

    def sync_view(throttles: list[type]) -> Any:
        def get(self: Any, request: Any) -> Response:
            return Response({"ok": True})

        attrs = {"throttle_classes": throttles, "get": get}
        return type("SyncView", (APIView,), attrs).as_view()

    def async_view(throttles: list[type]) -> Any:
        async def get(self: Any, request: Any) -> Response:
            return Response({"ok": True})

        attrs = {"throttle_classes": throttles, "get": get}
        return type("AsyncView", (AsyncAPIView,), attrs).as_view()

    factory = RequestFactory()
    addresses = [f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}" for i in range(clients)]

    def requests(n: int) -> list[Any]:
        built = [factory.get("/ok", HTTP_ACCEPT="application/json") for _ in range(n)]
        for index, request in enumerate(built):
            request.META["REMOTE_ADDR"] = addresses[index % clients]
        return built

    def checked(timed: tuple[float, Any]) -> float:
        us, response = timed
        if response.status_code != 200:
            raise RuntimeError(f"status {response.status_code}")
        return us

    def sync_timer(view: Any) -> Timer:
        def run(n: int) -> float:
            batch = requests(n)
            cache.clear()
            return checked(_django.time_view(view, batch))

        run(5)
        return run

    loop = asyncio.new_event_loop()

    def async_timer(view: Any) -> Timer:
        def run(n: int) -> float:
            batch = requests(n)
            cache.clear()
            return checked(loop.run_until_complete(_django.atime_view(view, batch)))

        run(5)
        return run

    throttled_async = async_view([restflow_throttle])
    timers = {
        "sync/unthrottled": sync_timer(sync_view([])),
        "drf": sync_timer(sync_view([drf_throttle])),
        "restflow-sync": sync_timer(sync_view([restflow_throttle])),
        "async/unthrottled": async_timer(async_view([])),
        "restflow-async": async_timer(throttled_async),
        "drf-on-async": async_timer(async_view([drf_throttle])),
    }

    def hops() -> int:
        batch = requests(10)

        async def go() -> None:
            for request in batch:
                (await throttled_async(request)).render()

        return _django.count_hops(lambda: loop.run_until_complete(go())) // 10

    return timers, hops


# -- running ----------------------------------------------------------------------------


def _versions() -> dict[str, str]:
    names = ["django", "djangorestframework", "redis", "restflow-core", "restflow-views", "-"]
    return {name: version or "-" for name, version in _http.versions(names).items()}


BASELINES = {
    "drf": "sync/unthrottled",
    "restflow-sync": "sync/unthrottled",
    "restflow-async": "async/unthrottled",
    "drf-on-async": "async/unthrottled",
}


def main() -> int:
    parser = _perf.parser(__doc__, DEFAULT_OUTPUT, rounds=9, gc_off=True)
    parser.add_argument(
        "--clients", type=int, default=100, help="distinct client addresses (LocMem keeps 300 keys)"
    )
    args = _perf.parse(parser, quick_rounds=3)
    _http.pin(0, _http.cpu_pair(args.pin)[0])
    _ensure_bench_python()
    _setup_django()
    _django.print_header(_versions())
    print(
        f"{args.rounds} rounds, interleaved, {args.clients} clients; µs per request, "
        "overhead = throttled - unthrottled (best rounds)\n"
    )
    report: dict[str, Any] = {
        "machine": {
            "python": platform.python_version(),
            "machine": platform.machine(),
            "cpus": os.cpu_count(),
        },
        "versions": _versions(),
        "settings": {"rounds": args.rounds, "values": args.values, "clients": args.clients},
        "parts": {},
        "targets": [],
    }
    targets: list[tuple[str, float, bool]] = []
    for alias in _django.cache_aliases():
        label = "LocMem" if alias == "default" else "Redis (django.core.cache RedisCache)"
        timers, count_hops = timers_for(alias, args.clients)
        part = _perf.timed({alias: timers}, args, "drf")[alias]
        best = part["best"]
        overhead = {name: best[name] - best[base] for name, base in BASELINES.items()}
        hops = count_hops()
        cells = {name: f"   overhead {value:8.2f}  x{value / overhead['drf']:5.2f} of drf's"
                 for name, value in overhead.items()}  # fmt: skip
        _perf.print_part(label, part, "drf", cells)
        print(f"  thread hops per request, restflow-async throttled view: {hops}\n")
        for name in ("restflow-sync", "restflow-async"):
            ratio = overhead[name] / overhead["drf"]
            ok = ratio <= 1.0 and (name != "restflow-async" or hops == 0)
            extra = ", 0 thread hops" if name == "restflow-async" else ""
            targets.append((f"{label}: {name} overhead <= drf's{extra}", ratio, ok))
        report["parts"][alias] = {**part, "overhead_us": overhead, "restflow_async_hops": hops}

    for text, ratio, ok in targets:
        print(f"{'PASS' if ok else 'FAIL'}  {text}: x{ratio:.2f} (limit 1.0)")
        report["targets"].append({"target": text, "ratio": ratio, "limit": 1.0, "pass": ok})
    _django.write_results(args.output, report, args.quick)
    return 1 if args.strict and not all(ok for *_, ok in targets) else 0


if __name__ == "__main__":
    sys.exit(main())
