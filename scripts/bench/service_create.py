"""Benchmark one create endpoint: restflow's async service view against DRF and the peer library.

    .bench-venv/bin/python scripts/bench/service_create.py [--quick] [--help]

``POST`` of a four-field JSON body, validated by a ``ModelSerializer``, one
``Author`` row inserted into SQLite, 201 with the serialized row -- written as a
DRF ``CreateAPIView`` (with and without the transaction ``ATOMIC_REQUESTS``
would add), as djangorestframework-services' ``ServiceCreateView`` (a peer,
measured only) and as restflow's service views (``_service_app.py`` lists the
eight implementations and what each does about transactions).

Two in-process paths, all sixteen timers interleaved round-robin in every round
(the order rotating by one each round), the process pinned to one CPU:

  direct  the view called on prebuilt ``RequestFactory`` / ``AsyncRequestFactory``
          requests and rendered inline (sync views in the main thread, async ones
          on one event loop): the views' own cost, no thread hop for a sync view
  asgi    an ASGI scope through Django's ``ASGIHandler`` (a thread per request, a
          hop for a sync view, the request signals, a new connection per request)

and over HTTP (``--skip-http`` to leave it out): one uvicorn worker loaded by
``_loadgen.py``'s generator with one keep-alive connection (SQLite takes one writer at a
time), the endpoints in turn. Every figure is wall time and CPU time (this process's
threads in-process, the server's over HTTP).

Thread hops per request (``sync_to_async`` and restflow's ``run_sync``) are
counted in an untimed pass. Ratios are per round against ``drf`` of the same
round; the report gives their median and quartiles across rounds, and the ratio of
best rounds. Target (issue 20): ``restflow-async / drf <= 1.0`` in time per request,
judged on the requests uvicorn serves (``targets``); the in-process parts are printed
beside it as context.
Results go to ``results/service_create.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import _django
import _http
import _perf
import _service_app
import _venv

HERE = Path(__file__).resolve().parent
DEFAULT_OUTPUT = HERE / "results" / "service_create.json"
KEYS = _service_app.KEYS
BASELINE = "drf"
HEADLINE = "restflow-async"
PAYLOAD = json.dumps(_service_app.BODY).encode()

Timer = Callable[[int], tuple[float, float]]
"""Runs ``n`` requests of one implementation: (wall, CPU) µs per request."""


def _ensure_bench_python() -> None:
    _venv.ensure_bench_python(__file__, "rest_framework_services", "restflow.services")


def _check(response: Any, key: str) -> None:
    if response.status_code != 201:
        raise RuntimeError(f"{key}: status {response.status_code}: {response.content[:300]!r}")
    if json.loads(response.content)["name"] != _service_app.BODY["name"]:
        raise RuntimeError(f"{key}: unexpected body {response.content[:300]!r}")


# -- direct: the view called on a prebuilt request ----------------------------------


def _clocks() -> tuple[int, int]:
    return time.perf_counter_ns(), time.process_time_ns()


def _per_request(start: tuple[int, int], n: int) -> tuple[float, float]:
    """(wall, CPU) µs per request since ``start``; CPU is every thread of this process."""
    wall, cpu = _clocks()
    return (wall - start[0]) / n / 1000, (cpu - start[1]) / n / 1000


def direct_timers(loop: asyncio.AbstractEventLoop) -> dict[str, Timer]:
    from django.test import AsyncRequestFactory, RequestFactory

    factories = {True: RequestFactory(), False: AsyncRequestFactory()}

    def make(key: str, view: Any) -> Timer:
        is_sync = key in _service_app.SYNC_KEYS
        factory = factories[is_sync]

        async def arun(requests: list[Any]) -> Any:
            for request in requests:
                response = await view(request)
                response.render()
            return response

        def timer(n: int) -> tuple[float, float]:
            requests = [
                factory.post("/", PAYLOAD, content_type="application/json") for _ in range(n)
            ]
            start = _clocks()
            if is_sync:
                for request in requests:
                    response = view(request)
                    response.render()
            else:
                response = loop.run_until_complete(arun(requests))
            figures = _per_request(start, n)
            _check(response, key)
            return figures

        return timer

    return {key: make(key, view) for key, view in _service_app.app()["views"].items()}


# -- asgi: through Django's ASGIHandler ------------------------------------------------


def _scope(key: str) -> dict[str, Any]:
    return _django.scope("POST", f"/{key}/", [
        (b"accept", b"application/json"), (b"content-type", b"application/json"),
        (b"content-length", str(len(PAYLOAD)).encode())])  # fmt: skip


_BODY = {"type": "http.request", "body": PAYLOAD, "more_body": False}


def asgi_timers(loop: asyncio.AbstractEventLoop) -> dict[str, Timer]:
    from django.core.handlers.asgi import ASGIHandler

    handler = ASGIHandler()

    def make(key: str) -> Timer:
        scope = _scope(key)

        async def arun(n: int) -> tuple[float, float]:
            never = asyncio.Event()
            statuses: list[int] = []

            async def send(message: dict[str, Any]) -> None:
                if message["type"] == "http.response.start":
                    statuses.append(message["status"])

            start = _clocks()
            for _ in range(n):
                await handler(dict(scope), _django.Receive(never, _BODY), send)
            figures = _per_request(start, n)
            if statuses != [201] * n:
                raise RuntimeError(f"asgi {key}: statuses {sorted(set(statuses))}, not 201")
            return figures

        return lambda n: loop.run_until_complete(arun(n))

    return {key: make(key) for key in KEYS}


# -- the in-process part -----------------------------------------------------------------


def _summary(rounds: dict[str, list[float]]) -> dict[str, Any]:
    """µs per key (best, median); ratios to drf taken round by round, then summarised.

    A round's ratio compares two timers run moments apart in the same round; with many short
    rounds, the median of those ratios is what the machine's neighbours disturb least.
    """
    return _perf.summary(rounds, BASELINE)


def count_hops(timers: dict[str, Timer], n: int = 20) -> dict[str, float]:
    """Thread hops per request of each timer (an untimed pass)."""
    return {key: _django.count_hops(lambda run=run: run(n)) / n for key, run in timers.items()}


def run_in_process(args: argparse.Namespace) -> dict[str, Any]:
    """The direct and ASGI parts, their sixteen timers interleaved in every round."""
    loop = asyncio.new_event_loop()
    groups = {"direct": direct_timers(loop), "asgi": asgi_timers(loop)}
    parts = _perf.timed(groups, args, BASELINE, clocks=("wall", "cpu"))
    for group, runs in groups.items():
        parts[group]["hops_per_request"] = count_hops(runs)
    loop.close()
    return parts


# -- over HTTP --------------------------------------------------------------------------

_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}


def run_http(args: argparse.Namespace, db: Path, synchronous: str) -> dict[str, Any]:
    """One uvicorn worker (pinned to CPU 1 unless ``--no-pin``), the endpoints loaded in turn."""
    port = _http.free_port()
    env = {**os.environ, "PYTHONPATH": str(HERE), _service_app.DB_ENV: str(db),
           _service_app.SYNC_ENV: synchronous}  # fmt: skip
    runs: dict[str, list[dict[str, Any]]] = {key: [] for key in KEYS}
    with _http.servers([_http.uvicorn("_service_app:application", port)], env=env) as (server,):
        _http.wait_ready(port, "/ready/", server)
        _http.pin(server.pid, _http.cpu_pair(args.pin)[0])
        for index in range(args.http_rounds):
            shift = index % len(KEYS)
            for key in KEYS[shift:] + KEYS[:shift]:
                runs[key].append(_http.measured_load(
                    [server.pid], [port], f"/{key}/", args.connections, args.warmup,
                    args.duration, headers=_HEADERS, method="POST", body=PAYLOAD, expect=201))  # fmt: skip
            print(f"  http round {index + 1}/{args.http_rounds} done", file=sys.stderr)
    return {
        "server": "uvicorn --workers 1 --loop asyncio --http httptools",
        "load": f"_loadgen.py load, {args.connections} keep-alive connection(s), "
        f"{args.warmup} s warm-up + {args.duration} s per run",
        "runs": runs,
        # time per request (1 / throughput) and the server's CPU per request
        "wall": _summary({k: [1e6 / r["rps"] for r in v] for k, v in runs.items()}),
        "cpu": _summary({k: [r["server_cpu_per_request_us"] for r in v] for k, v in runs.items()}),
        "p50_ms": {k: statistics.median(r["p50_ms"] for r in v) for k, v in runs.items()},
    }


# -- report ------------------------------------------------------------------------------


PARTS = {
    "direct": "in-process, direct view calls",
    "asgi": "in-process, through Django's ASGIHandler",
    "http": "over HTTP (time = 1 / req/s; cpu = the server's)",
}


JUDGED = "http"
"""The part the target is judged on: requests served by uvicorn, as a client sends them."""

CONTEXT = {
    "direct": "the views' own cost; a directly called sync view makes no thread hop",
    "asgi": "Django's handler in-process, without a server; one process, one CPU",
}
"""Why each in-process part is reported beside the target rather than judged."""


def targets(parts: dict[str, Any]) -> list[dict[str, Any]]:
    """``restflow-async / drf <= 1.0`` in time per request: judged over HTTP, wall and CPU.

    Each check takes the median of the per-round ratios, with their quartiles and the
    ratio of best rounds alongside. The in-process parts get the same lines, marked as
    context (``judged`` false, ``ok`` ``None``) with :data:`CONTEXT`'s reason.
    """
    checks = []
    for name, part in parts.items():
        judged = name == JUDGED
        for clock in ("wall", "cpu"):
            ratio = part[clock]["ratio_to_drf"][HEADLINE]
            checks.append(
                {
                    "name": f"{name}, {clock}: {HEADLINE} / {BASELINE}",
                    "ratio": ratio["median"],
                    "quartiles": [ratio["q1"], ratio["q3"]],
                    "best_rounds": ratio["best_rounds"],
                    "target": "<= 1.0" if judged else f"context: {CONTEXT[name]}",
                    "judged": judged,
                    "ok": ratio["median"] <= 1.0 if judged else None,
                }
            )
    return checks


def print_report(result: dict[str, Any]) -> None:
    print(f"\nservice create benchmark — {result['machine']}, SQLite {result['sqlite']}")
    print("versions: " + ", ".join(f"{k} {v}" for k, v in result["versions"].items()))
    print("µs per request, best/median of the rounds; ratio to drf: median of the per-round")
    print("ratios [their quartiles]; hops: thread hops per request")
    for name, part in result["parts"].items():
        print(f"\n{PARTS[name]}")
        print(f"  {'':20} {'wall':>15}  {'ratio':>17}  {'cpu':>15}  {'ratio':>17}  hops")
        for key in KEYS:
            cells = []
            for clock in ("wall", "cpu"):
                figures, r = part[clock], part[clock]["ratio_to_drf"][key]
                cells.append(
                    f"{figures['best'][key]:7.0f}/{figures['median'][key]:<7.0f}"
                    f"  {r['median']:5.2f} [{r['q1']:.2f}–{r['q3']:.2f}]"
                )
            hops = part.get("hops_per_request", {}).get(key)
            print(f"  {key:20} {'  '.join(cells)}  {'' if hops is None else f'{hops:4.1f}'}")
    print("\ntargets (median of the per-round ratios [quartiles], ratio of best rounds):")
    for check in result["targets"]:
        mark = "info" if not check["judged"] else "PASS" if check["ok"] else "FAIL"
        low, high = check["quartiles"]
        print(
            f"  {mark}  {check['name']:34} {check['ratio']:5.2f} [{low:.2f}–{high:.2f}]"
            f"  best {check['best_rounds']:.2f}  ({check['target'] if check['judged'] else 'context'})"
        )


def _versions() -> dict[str, Any]:
    names = ["django", "djangorestframework", "djangorestframework-services",
             "django-service-specs", "restflow-core", "restflow-views", "uvicorn"]  # fmt: skip
    found: dict[str, Any] = {name: v or "missing" for name, v in _http.versions(names).items()}
    found["python"] = platform.python_version()
    found["sqlite"] = sqlite3.sqlite_version
    return found


def main() -> int:
    parser = _perf.parser(__doc__, DEFAULT_OUTPUT, rounds=15, values=1, min_time=0.05, gc_off=True)
    _http.add_arguments(parser, rounds=5, seconds=2, warmup=0.5, connections=1)
    parser.add_argument("--durable", action="store_true", help="SQLite synchronous=FULL")
    args = _perf.parse(parser, quick_rounds=3)
    _ensure_bench_python()
    pin = _http.cpu_pair(args.pin)[0] is not None
    cpus = os.sched_getaffinity(0) if pin else set()
    synchronous = "FULL" if args.durable else "NORMAL"
    sys.modules.setdefault("_service_app", _service_app)
    tmp = Path(tempfile.mkdtemp(prefix="restflow_service_bench_"))
    db = tmp / "bench.sqlite3"
    try:
        _service_app.setup(db, synchronous)
        result: dict[str, Any] = {
            "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.system()}",
            "versions": _versions(),
            "body": _service_app.BODY,
            "sqlite": f"WAL, synchronous={synchronous}",
            "pinned": pin,
            "parts": {},
        }
        if not args.skip_in_process:
            if pin:
                os.sched_setaffinity(0, {1})  # the loop and its sync threads share one CPU
            result["parts"].update(run_in_process(args))
            if pin:
                os.sched_setaffinity(0, cpus)  # the load generator inherits this
        if not args.skip_http:
            result["parts"]["http"] = run_http(args, db, synchronous)
        result["targets"] = targets(result["parts"])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print_report(result)
    _django.write_results(args.output, result, args.quick)
    failed = [check for check in result["targets"] if check["ok"] is False]
    return 1 if args.strict and failed else 0


if __name__ == "__main__":
    sys.exit(main())
