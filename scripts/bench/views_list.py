"""Benchmark one filtered, paginated list endpoint through restflow's views and its peers.

The endpoint: products filtered by three query parameters
(``category``, ``in_stock``, ``price__gte``), ordered by id, a page of 50,
rendered with a ModelSerializer. Implementations, interleaved in every round:

  drf-sync        DRF ``ListAPIView`` + django-filter's ``DjangoFilterBackend``,
                  DRF ``PageNumberPagination`` (sync, called in a plain thread)
  adrf            adrf's async ``ListAPIView`` (same backend and paginator)
  restflow-page   ``restflow.views.AsyncListAPIView`` + ``RestflowFilterBackend``,
                  ``restflow.pagination.PageNumberPagination``
  restflow-fast   the same with ``FastPageNumberPagination`` (no COUNT)
  floor-async     the ORM floor: ``acount()`` + one page of model instances,
                  async ORM, no framework
  floor-sync      the same with the sync ORM

Plus a serializer part (50 model instances, already fetched):
DRF's sync ``ModelSerializer(...).data`` against ``await ...adata`` of
restflow's ``ModelSerializer`` and adrf's; and the row-count part:
``restflow-fast`` and ``restflow-page`` on 10,000 and on 1,000,000 rows.

Over HTTP: two uvicorn workers (one process and port each) loaded at once by
``_loadgen.py load`` (64 connections split between them) against
``restflow-fast`` and a hand-written ``async def`` view doing the same ORM
work (filter, fetch 51 rows, build dicts, ``JsonResponse``).

The database is SQLite (files cached under the system temp directory,
built once per row count). Run it with the bench venv:

  .bench-venv/bin/python scripts/bench/views_list.py [--quick] [--help]

Prints a table and writes scripts/bench/results/views_list.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import _django
import _http
import _perf
import _venv
from _views_app import DB_ENV, PAGE_SIZE, QUERY, QUERY_STRING, app, build_db, setup_django

HERE = Path(__file__).resolve().parent
DEFAULT_OUTPUT = HERE / "results" / "views_list.json"


def _ensure_bench_python() -> None:
    _venv.ensure_bench_python(
        __file__, "adrf", "django_filters", "restflow.views", "restflow.filters"
    )


# -- in-process runners ----------------------------------------------------------------

Runner = Callable[[int], float]


def _check(response: Any, key: str) -> None:
    if response.status_code != 200:
        raise RuntimeError(f"{key}: status {response.status_code}: {response.content[:300]!r}")
    body = json.loads(response.content)
    if len(body["results"]) != PAGE_SIZE:
        raise RuntimeError(f"{key}: {len(body['results'])} rows, not {PAGE_SIZE}")


class Bench:
    """Runs every implementation on one event loop (async ones) or the main thread (sync)."""

    def __init__(self) -> None:
        from django.test import AsyncRequestFactory, RequestFactory

        self.loop = asyncio.new_event_loop()
        self.async_factory = AsyncRequestFactory()
        self.factory = RequestFactory()

    def sync_view(self, key: str, view: Any) -> Runner:
        def run(n: int) -> float:
            requests = [self.factory.get("/", QUERY) for _ in range(n)]
            start = time.perf_counter_ns()
            for request in requests:
                response = view(request)
                response.render()
            elapsed = time.perf_counter_ns() - start
            _check(response, key)
            return elapsed / n / 1000

        return run

    def async_view(self, key: str, view: Any) -> Runner:
        async def arun(n: int) -> float:
            requests = [self.async_factory.get("/", QUERY) for _ in range(n)]
            start = time.perf_counter_ns()
            for request in requests:
                response = await view(request)
                render = response.render
                if asyncio.iscoroutinefunction(render) or getattr(render, "_is_coroutine", None):
                    response = await render()
                else:
                    # adrf leaves rendering to Django's handler, which renders in a thread
                    from asgiref.sync import sync_to_async

                    response = await sync_to_async(render, thread_sensitive=True)()
            elapsed = time.perf_counter_ns() - start
            _check(response, key)
            return elapsed / n / 1000

        return lambda n: self.loop.run_until_complete(arun(n))

    def floor_async(self) -> Runner:
        product = app()["Product"]

        async def arun(n: int) -> float:
            start = time.perf_counter_ns()
            for _ in range(n):
                queryset = product.objects.filter(category="c3", in_stock=True, price__gte=100)
                count = await queryset.acount()
                rows = [row async for row in queryset[:PAGE_SIZE]]
            elapsed = time.perf_counter_ns() - start
            if len(rows) != PAGE_SIZE or count < PAGE_SIZE:
                raise RuntimeError("floor-async: wrong rows")
            return elapsed / n / 1000

        return lambda n: self.loop.run_until_complete(arun(n))

    def floor_sync(self) -> Runner:
        product = app()["Product"]

        def run(n: int) -> float:
            start = time.perf_counter_ns()
            for _ in range(n):
                queryset = product.objects.filter(category="c3", in_stock=True, price__gte=100)
                count = queryset.count()
                rows = list(queryset[:PAGE_SIZE])
            elapsed = time.perf_counter_ns() - start
            if len(rows) != PAGE_SIZE or count < PAGE_SIZE:
                raise RuntimeError("floor-sync: wrong rows")
            return elapsed / n / 1000

        return run

    def serializer(self, key: str, cls: type, rows: list[Any]) -> Runner:
        if key == "ser-drf-sync":

            def run(n: int) -> float:
                start = time.perf_counter_ns()
                for _ in range(n):
                    data = cls(rows, many=True).data
                elapsed = time.perf_counter_ns() - start
                assert len(data) == PAGE_SIZE
                return elapsed / n / 1000

            return run

        async def arun(n: int) -> float:
            start = time.perf_counter_ns()
            for _ in range(n):
                data = await cls(rows, many=True).adata
            elapsed = time.perf_counter_ns() - start
            assert len(data) == PAGE_SIZE
            return elapsed / n / 1000

        return lambda n: self.loop.run_until_complete(arun(n))


def run_in_process(args: argparse.Namespace) -> dict[str, Any]:
    """The three parts, each its timers interleaved round by round (pyperf: see ``_perf``)."""
    bench = Bench()
    endpoints = app()["endpoints"]
    lists: dict[str, Runner] = {
        "drf-sync": bench.sync_view("drf-sync", endpoints["drf-sync"]),
        "adrf": bench.async_view("adrf", endpoints["adrf"]),
        "restflow-page": bench.async_view("restflow-page", endpoints["restflow-page"]),
        "restflow-fast": bench.async_view("restflow-fast", endpoints["restflow-fast"]),
        "floor-async": bench.floor_async(),
        "floor-sync": bench.floor_sync(),
    }
    product = app()["Product"]
    rows = list(product.objects.all()[:PAGE_SIZE])
    serializers = {
        key: bench.serializer(key, cls, rows) for key, cls in app()["serializers"].items()
    }
    scale = {
        "fast@10k": lists["restflow-fast"],
        "fast@1M": bench.async_view("fast@1M", endpoints["fast@1M"]),
        "page@10k": lists["restflow-page"],
        "page@1M": bench.async_view("page@1M", endpoints["page@1M"]),
    }
    return _perf.timed({"list": lists, "serializer": serializers, "rows": scale}, args)


# -- over HTTP -----------------------------------------------------------------------


def run_http(args: argparse.Namespace, db: Path) -> dict[str, Any]:
    """``args.workers`` uvicorn processes (one worker and port each) loaded at once by one
    ``_loadgen.py load`` (the connections split evenly), the two endpoints in turn.

    One port per worker, because two uvicorn workers behind one socket do not share
    connections opened at once: asyncio accepts them in a loop, so one worker usually takes
    them all and the run measures one worker.
    """
    env = {**os.environ, DB_ENV: str(db), "PYTHONPATH": str(HERE)}
    ports = [_http.free_port() for _ in range(args.workers)]
    endpoints = {"restflow-fast": "/fast/", "hand-written": "/hand/"}
    samples: dict[str, list[dict[str, Any]]] = {key: [] for key in endpoints}
    cmds = [_http.uvicorn("_views_app:application", port, args.http) for port in ports]
    with _http.servers(cmds, env=env) as procs:
        for port, proc in zip(ports, procs, strict=True):
            for path in endpoints.values():
                _http.wait_ready(port, f"{path}?{QUERY_STRING}", proc)
        pids = [proc.pid for proc in procs]
        for round_no in range(1, args.http_rounds + 1):
            order = list(endpoints) if round_no % 2 else list(reversed(endpoints))
            for key in order:
                samples[key].append(_http.measured_load(
                    pids, ports, f"{endpoints[key]}?{QUERY_STRING}", args.connections,
                    args.warmup, args.duration))  # fmt: skip
            print(f"  http round {round_no}/{args.http_rounds} done", file=sys.stderr)
    return {
        "unit": "requests/second (higher is better)",
        "server": f"{args.workers} x uvicorn --workers 1 --loop asyncio --http {args.http}",
        "load": f"_loadgen.py load, {args.connections} keep-alive connections split between the "
        f"{args.workers} ports, {args.warmup:g} s warm-up + {args.duration:g} s per run",
        **_http.summary(samples),
    }


# -- report --------------------------------------------------------------------------


def _versions() -> dict[str, Any]:
    names = ["django", "djangorestframework", "adrf", "django-filter", "uvicorn",
             "restflow-core", "restflow-views", "restflow-filters"]  # fmt: skip
    found: dict[str, Any] = {name: v or "missing" for name, v in _http.versions(names).items()}
    found["python"] = platform.python_version()
    found["sqlite"] = sqlite3.sqlite_version
    return found


def targets(result: dict[str, Any]) -> list[tuple[str, float, str, bool]]:
    """(name, ratio, target, ok) for every acceptance target measured."""
    checks: list[tuple[str, float, str, bool]] = []
    in_process = result.get("in_process")
    if in_process:
        best = in_process["list"]["best"]
        ratio = best["restflow-page"] / best["floor-async"]
        checks.append(("restflow-page / floor-async (time)", ratio, "<= 2.0", ratio <= 2.0))
        ratio = best["restflow-fast"] / best["drf-sync"]
        checks.append(("restflow-fast / drf-sync (time)", ratio, "<= 0.7", ratio <= 0.7))
        ser = in_process["serializer"]["best"]
        ratio = ser["ser-restflow"] / ser["ser-drf-sync"]
        checks.append(("restflow adata / DRF data, 50 rows (time)", ratio, "<= 1.1", ratio <= 1.1))
        rows = in_process["rows"]["best"]
        ratio = rows["fast@1M"] / rows["fast@10k"]
        checks.append(
            ("restflow-fast 1M rows / 10k rows (time)", ratio, "<= 1.2 (flat)", ratio <= 1.2)
        )
    http_part = result.get("http")
    if http_part:
        best = http_part["best"]
        ratio = best["restflow-fast"] / best["hand-written"]
        checks.append(("restflow-fast / hand-written (req/s)", ratio, ">= 0.95", ratio >= 0.95))
        medians = http_part["median"]
        ratio = medians["restflow-fast"] / medians["hand-written"]
        name = "restflow-fast / hand-written (req/s, medians)"
        checks.append((name, ratio, ">= 0.95", ratio >= 0.95))
    return checks


def print_report(result: dict[str, Any]) -> None:
    print(f"\nrestflow views list benchmark — {result['machine']}")
    print("versions: " + ", ".join(f"{k} {v}" for k, v in result["versions"].items()))
    in_process = result.get("in_process")
    if in_process:
        for part in ("list", "serializer", "rows"):
            group = in_process[part]
            calls = ", ".join(f"{k} {v['loops']}" for k, v in group["pyperf"].items())
            print(f"\n{part} ({group['unit']}; loops per value: {calls})")
            for key in group["best"]:
                print(
                    f"  {key:16} best {group['best'][key]:9.1f}   median {group['median'][key]:9.1f}"
                )
        ser = in_process["serializer"]["best"]
        print(f"  (adrf adata / DRF data: {ser['ser-adrf'] / ser['ser-drf-sync']:.2f}x)")
        best = in_process["list"]["best"]
        print(
            f"  (drf-sync / floor-sync: {best['drf-sync'] / best['floor-sync']:.2f}x, "
            f"restflow-page / drf-sync: {best['restflow-page'] / best['drf-sync']:.2f}x, "
            f"adrf / restflow-page: {best['adrf'] / best['restflow-page']:.2f}x)"
        )
    http_part = result.get("http")
    if http_part:
        print(f"\nhttp ({http_part['server']}; {http_part['load']}), best rounds")
        _http.print_summary(http_part)
        medians = http_part["median"]
        ratio = medians["restflow-fast"] / medians["hand-written"]
        print(f"  (median rounds: restflow-fast / hand-written {ratio:.2f})")
    elif "http_skipped" in result:
        print(f"\nhttp: skipped ({result['http_skipped']})")
    print("\ntargets (ratios of best rounds):")
    for name, ratio, target, ok in targets(result):
        print(f"  {'PASS' if ok else 'FAIL'}  {name:44} {ratio:6.2f}  (target {target})")


def main() -> int:
    parser = _perf.parser(__doc__, DEFAULT_OUTPUT, rounds=7, pin=False)
    _http.add_arguments(parser, rounds=5, seconds=5, warmup=2, connections=64)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--big-rows", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn processes (2)")
    args = _perf.parse(parser)

    _ensure_bench_python()
    print(
        f"building/reusing SQLite databases ({args.rows} and {args.big_rows} rows)", file=sys.stderr
    )
    db, big_db = build_db(args.rows), build_db(args.big_rows)
    setup_django(db, big_db)
    app()
    result: dict[str, Any] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.system()}",
        "versions": _versions(),
        "query": QUERY_STRING,
        "rows": {"small": args.rows, "big": args.big_rows},
    }
    if not args.skip_in_process:
        result["in_process"] = run_in_process(args)
    if args.skip_http:
        result["http_skipped"] = "--skip-http"
    else:
        result["http"] = run_http(args, db)
    result["targets"] = [
        {"name": n, "ratio": round(r, 3), "target": t, "ok": ok} for n, r, t, ok in targets(result)
    ]
    print_report(result)
    _django.write_results(args.output, result, args.quick)
    return 1 if args.strict and not all(ok for *_, ok in targets(result)) else 0


if __name__ == "__main__":
    sys.exit(main())
