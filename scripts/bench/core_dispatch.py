"""Benchmark a trivial GET through restflow's AsyncAPIView against its peers.

Implementations (see benchproject/views.py):

  drf-sync      DRF's sync ``APIView``
  adrf          adrf's async ``APIView``
  restflow      ``restflow.core.AsyncAPIView``
  django-async  a bare Django ``async def`` view returning ``JsonResponse``

The three DRF-based ones run in two configurations: ``lean`` (no
authentication, AllowAny, no throttles, JSONRenderer) and ``@default``
(DRF's default Session + Basic authentication, AllowAny).

Parts, each with the implementations interleaved round-robin in every round:

  in-process / asgi    an ASGI scope sent through Django's ``ASGIHandler``
                       (the full handler: request_started/finished signals,
                       the per-request ThreadSensitiveContext, rendering)
  in-process / direct  ``await view(request)`` (or a plain call for the sync
                       view) on AsyncRequestFactory requests, then the
                       deferred render inline: the views' own overhead
  http                 uvicorn, one worker, loaded by ``_loadgen.py load`` on 127.0.0.1

Run it with the bench venv (``bash scripts/bench/setup.sh`` creates it):

  .bench-venv/bin/python scripts/bench/core_dispatch.py [--quick] [--help]

Prints a table and writes scripts/bench/results/core_dispatch.json.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import _django
import _http
import _perf
import _venv

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
DEFAULT_OUTPUT = HERE / "results" / "core_dispatch.json"

LEAN = ["drf-sync", "adrf", "restflow", "django-async"]
DEFAULT = ["drf-sync@default", "adrf@default", "restflow@default"]
ALL = LEAN + DEFAULT
ACCEPT = "application/json"


def _ensure_bench_python(script: str = __file__) -> None:
    _venv.ensure_bench_python(script, "adrf", "restflow.core")


Runner = Callable[[int], Awaitable[float]]


def _setup_django() -> None:
    sys.path.insert(0, str(HERE))
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchproject.settings"
    import django

    django.setup()


# -- in-process timers ------------------------------------------------------------


def _scope(path: str) -> dict[str, Any]:
    return _django.scope("GET", path, [(b"accept", ACCEPT.encode())])


def make_asgi_runner(handler: Any, path: str) -> Runner:
    """Time ``n`` sequential requests through Django's ASGIHandler; return µs/request."""
    scope = _scope(path)

    async def run(n: int) -> float:
        never = asyncio.Event()
        ok = 0

        async def send(message: dict[str, Any]) -> None:
            nonlocal ok
            if message["type"] == "http.response.start" and message["status"] == 200:
                ok += 1

        start = time.perf_counter_ns()
        for _ in range(n):
            await handler(dict(scope), _django.Receive(never), send)
        elapsed = time.perf_counter_ns() - start
        if ok != n:
            raise RuntimeError(f"{path}: {n - ok} of {n} responses were not 200")
        return elapsed / n / 1000

    return run


def make_direct_runner(view: Any, path: str) -> Runner:
    """Time ``n`` direct view calls on prebuilt AsyncRequestFactory requests, render included."""
    from django.test import AsyncRequestFactory

    factory = AsyncRequestFactory()

    async def run(n: int) -> float:
        requests = [factory.get(path, headers={"accept": ACCEPT}) for _ in range(n)]
        start = time.perf_counter_ns()
        for request in requests:
            response = await _django.aresponse(view(request))
        elapsed = time.perf_counter_ns() - start
        if response.status_code != 200:
            raise RuntimeError(f"{path}: status {response.status_code}")
        return elapsed / n / 1000

    return run


async def measure_hop_cost(n: int) -> dict[str, float]:
    """µs for one sync_to_async hop: the first of a request (new thread) and a later one."""
    from asgiref.sync import ThreadSensitiveContext, sync_to_async

    hop = sync_to_async(lambda: None, thread_sensitive=True)

    async def timed(hops: int) -> float:
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter_ns()
            for _ in range(n):
                async with ThreadSensitiveContext():
                    for _ in range(hops):
                        await hop()
            best = min(best, (time.perf_counter_ns() - start) / n / 1000)
        return best

    base, one, two = await timed(0), await timed(1), await timed(2)
    return {
        "first_hop_in_request_us": round(one - base, 1),
        "later_hop_same_thread_us": round(two - one, 1),
    }


def run_in_process(args: argparse.Namespace) -> dict[str, Any]:
    """Both paths' fourteen timers interleaved in every round (pyperf: see ``_perf``)."""
    from django.core.handlers.asgi import ASGIHandler

    from benchproject.urls import ENDPOINTS

    handler = ASGIHandler()
    loop = asyncio.new_event_loop()
    makers = {"asgi": lambda key: make_asgi_runner(handler, ENDPOINTS[key][0]),
              "direct": lambda key: make_direct_runner(ENDPOINTS[key][1], ENDPOINTS[key][0])}  # fmt: skip
    groups = {
        name: {key: _django.on_loop(loop, make(key)) for key in ALL}
        for name, make in makers.items()
    }
    result: dict[str, Any] = _perf.timed(groups, args, "drf-sync")
    for name, timers in groups.items():
        result[name]["sync_to_async_per_request"] = {
            key: _django.count_hops(lambda run=run: run(50)) / 50 for key, run in timers.items()
        }
    result["hop_cost"] = loop.run_until_complete(measure_hop_cost(max(200, args.values * 100)))
    loop.close()
    return result


# -- over HTTP ----------------------------------------------------------------------


def run_http(args: argparse.Namespace) -> dict[str, Any]:
    """One uvicorn worker (CPU 1), loaded by ``_loadgen.py load`` (CPU 0), endpoints in turn."""
    from benchproject.urls import ENDPOINTS

    server_cpu, load_cpu = _http.cpu_pair(args.pin)
    port = _http.free_port()
    cmd = _http.uvicorn("benchproject.asgi:application", port, args.http, loop=args.loop)
    env = {**os.environ, "PYTHONPATH": str(HERE), "DJANGO_SETTINGS_MODULE": "benchproject.settings"}
    headers = {"Accept": ACCEPT}
    samples: dict[str, list[dict[str, Any]]] = {key: [] for key in ALL}
    with _http.servers([cmd], env=env) as (server,):
        _http.wait_ready(port, ENDPOINTS["django-async"][0], server, headers=headers)
        _http.pin(server.pid, server_cpu)

        def load(key: str, seconds: float) -> dict[str, Any]:
            return _http.measured_load([server.pid], [port], ENDPOINTS[key][0], args.connections,
                                       args.warmup, seconds, headers=headers, cpu=load_cpu)  # fmt: skip

        for round_no in range(1, args.http_rounds + 1):
            for key in ALL:
                samples[key].append(load(key, args.duration))
            print(f"  http round {round_no}/{args.http_rounds} done", file=sys.stderr)
    return {
        "unit": "requests/sec (higher is better)",
        "server": " ".join(cmd[1:]).replace(sys.executable, "python"),
        "load": f"_loadgen.py load, {args.connections} keep-alive connections, "
        f"{args.warmup:g} s warm-up + {args.duration:g} s per run, 'Accept: {ACCEPT}'",
        "pinned": {"uvicorn_cpu": server_cpu, "load_cpu": load_cpu},
        **_http.summary(samples),
        "ratio_to_django-async": _perf.summary(
            {key: [run["rps"] for run in runs] for key, runs in samples.items()}, "django-async"
        )["ratio_to_django-async"],
    }


# -- report -------------------------------------------------------------------------


def machine_info() -> dict[str, Any]:
    dists = ("Django", "djangorestframework", "adrf", "restflow-core", "asgiref", "uvicorn",
             "httptools", "uvloop", "pyperf")  # fmt: skip
    git = ["git", "-C", str(ROOT)]
    commit = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    status = subprocess.run([*git, "status", "--porcelain", "--", "packages/restflow-core"],
                            capture_output=True, text=True)  # fmt: skip
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "cpu_model": _http.cpu_model(),
        "versions": _http.versions(dists),
        "git_commit": commit.stdout.strip() or None,
        "restflow_core_uncommitted_changes": bool(status.stdout.strip()),
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a and b else None


def _pairs(best: dict[str, float], pairs: list[tuple[str, str, str]]) -> dict[str, float | None]:
    """``{label: best[a] / best[b]}`` for each ``(label, a, b)``; a label ending in
    ``(speed-up)`` takes ``a`` over ``b`` as named."""
    return {label: _ratio(best[a], best[b]) for label, a, b in pairs}


def _named(*pairs: str) -> list[tuple[str, str, str]]:
    """``"a / b"`` names → ``(name, a, b)``; ``"... (speed-up)"`` and ``"ceiling: ..."`` too."""
    found = []
    for name in pairs:
        a, b = name.removeprefix("ceiling: ").removesuffix(" (speed-up)").split(" / ")
        found.append((name, a, b))
    return found


IN_PROCESS_RATIOS = _named(
    "restflow / drf-sync", "restflow / adrf", "restflow / django-async",
    "adrf / restflow (speed-up)", "restflow@default / drf-sync@default",
    "restflow@default / adrf@default", "adrf@default / restflow@default (speed-up)",
    "restflow@default / django-async",
    # What a view costing nothing would reach against adrf on this path.
    "ceiling: adrf / django-async (speed-up)",
)  # fmt: skip
HTTP_RATIOS = _named(
    "restflow / django-async", "restflow / adrf", "restflow / drf-sync",
    "restflow@default / django-async", "restflow@default / adrf@default",
    "restflow@default / drf-sync@default",
)  # fmt: skip


def compute_ratios(results: dict[str, Any]) -> dict[str, Any]:
    ratios: dict[str, Any] = {}
    for path in ("asgi", "direct"):
        part = results.get("in_process", {}).get(path)
        if part:
            ratios[f"in_process.{path}"] = _pairs(part["best"], IN_PROCESS_RATIOS)
    if results.get("http"):
        ratios["http"] = _pairs(results["http"]["best"], HTTP_RATIOS)
    return ratios


def evaluate_targets(ratios: dict[str, Any]) -> list[dict[str, Any]]:
    """The acceptance targets; the lean configuration is the one they are set on."""
    targets: list[dict[str, Any]] = []

    def add(
        name: str, section: str, key: str, ok: Callable[[float], bool], want: str, primary: bool
    ) -> None:
        value = ratios.get(section, {}).get(key)
        if value is None:
            return
        targets.append(
            {
                "target": name,
                "measure": f"{section}: {key}",
                "value": value,
                "want": want,
                "pass": ok(value),
                "primary": primary,
            }
        )

    # The acceptance targets are set on the lean configuration, in-process on
    # AsyncRequestFactory requests (the direct path) and over HTTP. The same
    # checks on the ASGIHandler path and on DRF's default authentication are
    # reported as secondary.
    for cfg, sfx in (("lean", ""), ("default auth", "@default")):
        for path in ("direct", "asgi"):
            section = f"in_process.{path}"
            primary = not sfx and path == "direct"
            add(
                f"in-process ({path}, {cfg}) not slower than DRF sync",
                section,
                f"restflow{sfx} / drf-sync{sfx}",
                lambda v: v <= 1.0,
                "<= 1.0",
                primary,
            )
            add(
                f"in-process ({path}, {cfg}) >= 4x faster than adrf",
                section,
                f"adrf{sfx} / restflow{sfx} (speed-up)",
                lambda v: v >= 4.0,
                ">= 4.0",
                primary,
            )
        add(
            f"http ({cfg}) >= 0.9x bare Django async req/s",
            "http",
            f"restflow{sfx} / django-async",
            lambda v: v >= 0.9,
            ">= 0.9",
            not sfx,
        )
    return targets


def print_report(results: dict[str, Any]) -> None:
    m = results["machine"]
    v = m["versions"]
    print()
    print(
        f"restflow core dispatch bench — Python {m['python']}, Django {v['Django']}, "
        f"DRF {v['djangorestframework']}, adrf {v['adrf']}, restflow-core {v['restflow-core']}, "
        f"asgiref {v['asgiref']}, {m['cpu_count']} CPUs ({m['cpu_model']})"
    )
    labels = {
        "asgi": "in-process through Django's ASGIHandler",
        "direct": "in-process, direct view call (+ inline render)",
    }
    for path in ("asgi", "direct"):
        part = results.get("in_process", {}).get(path)
        if not part:
            continue
        n_rounds = len(next(iter(part["rounds"].values())))
        print(
            f"\n{labels[path]} — µs/request, lower is better ({n_rounds} rounds, interleaved, "
            f"pyperf-calibrated loops; pinned to CPU: {results['in_process'].get('pinned_cpu')})"
        )
        print(f"  {'implementation':20} {'best':>9} {'median':>9} {'s2a hops/req':>13}"
              f"  / drf-sync, per round [quartiles]   rounds")  # fmt: skip
        for key in ALL:
            rounds = " ".join(f"{x:.1f}" for x in part["rounds"][key])
            hops = part["sync_to_async_per_request"].get(key, 0)
            r = part["ratio_to_drf-sync"][key]
            print(
                f"  {key:20} {part['best'][key]:9.1f} {part['median'][key]:9.1f} "
                f"{hops:13g}  {r['median']:5.2f} [{r['q1']:.2f}–{r['q3']:.2f}]{'':17}{rounds}"
            )
    hop = results.get("in_process", {}).get("hop_cost")
    if hop:
        print(
            f"\n  one sync_to_async hop: first of a request (new per-request thread) "
            f"{hop['first_hop_in_request_us']:.1f} µs; later hop on that thread "
            f"{hop['later_hop_same_thread_us']:.1f} µs"
        )
    http_part = results.get("http")
    if http_part:
        n_rounds = len(next(iter(http_part["rounds"].values())))
        print(f"\nover HTTP — requests/sec, higher is better ({n_rounds} rounds, interleaved)")
        print(f"  server: {http_part['server']}")
        print(f"  load:   {http_part['load']}; pinned {http_part['pinned']}")
        _http.print_summary(http_part)
    print(
        "\nratios of best rounds (time ratios: < 1 means restflow is faster; "
        "req/s ratios: > 1 means restflow is faster)"
    )
    for section, values in results["ratios"].items():
        print(f"  {section}")
        for key, value in values.items():
            print(f"    {key:46} {value if value is not None else 'n/a'}")
    print("\ntargets")
    for t in results["targets"]:
        flag = "PASS" if t["pass"] else "FAIL"
        tag = "" if t["primary"] else "  (secondary)"
        print(f"  {flag}  {t['target']}: {t['value']} (want {t['want']}){tag}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = _perf.parser(__doc__, DEFAULT_OUTPUT, rounds=5)
    _http.add_arguments(parser, rounds=3, seconds=3, warmup=1, connections=32)
    parser.add_argument(
        "--loop",
        default="asyncio",
        choices=["asyncio", "uvloop"],
        help="uvicorn --loop (default asyncio)",
    )
    return _perf.parse(parser, argv)


def main(argv: list[str] | None = None) -> int:
    _ensure_bench_python()
    args = parse_args(argv)
    _setup_django()
    results: dict[str, Any] = {"machine": machine_info()}
    results["config"] = {
        "rounds": args.rounds,
        "values_per_round": args.values,
        "min_time_s": args.min_time,
        "drf_configurations": {
            "lean": "authentication_classes=[], permission_classes=[AllowAny], "
            "throttle_classes=[], renderer_classes=[JSONRenderer]",
            "default": "authentication_classes=[SessionAuthentication, BasicAuthentication], "
            "permission_classes=[AllowAny], throttle_classes=[], "
            "renderer_classes=[JSONRenderer]",
        },
        "middleware": [],
        "request": f"GET with 'Accept: {ACCEPT}', no body, no cookies",
    }
    if not args.skip_in_process:
        print("in-process part…", file=sys.stderr)
        cpu = _http.cpu_pair(args.pin)[0]
        with _http.pinned_self(cpu):
            results["in_process"] = run_in_process(args)
        results["in_process"]["pinned_cpu"] = cpu
    if not args.skip_http:
        print("HTTP part…", file=sys.stderr)
        results["http"] = run_http(args)
    results["ratios"] = compute_ratios(results)
    results["targets"] = evaluate_targets(results["ratios"])
    print_report(results)
    _django.write_results(args.output, results, args.quick)
    failed = [t for t in results["targets"] if t["primary"] and not t["pass"]]
    return 1 if (args.strict and failed) else 0


if __name__ == "__main__":
    sys.exit(main())
