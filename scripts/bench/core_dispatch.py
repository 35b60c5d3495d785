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
  http                 uvicorn, one worker, loaded by wrk on 127.0.0.1

Run it with the bench venv (``bash scripts/bench/setup.sh`` creates it):

  .bench-venv/bin/python scripts/bench/core_dispatch.py [--quick] [--help]

Prints a table and writes scripts/bench/results/core_dispatch.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import http.client
import importlib.metadata
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import _django
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


def _setup_django() -> None:
    sys.path.insert(0, str(HERE))
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchproject.settings"
    import django

    django.setup()


# -- counting thread hops ---------------------------------------------------------


class HopCounter:
    """Count asgiref sync_to_async / async_to_sync calls while active (never while timing)."""

    def __init__(self) -> None:
        self.sync_to_async = 0
        self.async_to_sync = 0

    @contextlib.contextmanager
    def counting(self) -> Iterator[HopCounter]:
        from asgiref.sync import AsyncToSync, SyncToAsync

        s2a_call, a2s_call = SyncToAsync.__call__, AsyncToSync.__call__
        counter = self

        async def counted_s2a(self: Any, *args: Any, **kwargs: Any) -> Any:
            counter.sync_to_async += 1
            return await s2a_call(self, *args, **kwargs)

        def counted_a2s(self: Any, *args: Any, **kwargs: Any) -> Any:
            counter.async_to_sync += 1
            return a2s_call(self, *args, **kwargs)

        SyncToAsync.__call__ = counted_s2a  # type: ignore[method-assign]
        AsyncToSync.__call__ = counted_a2s  # type: ignore[method-assign]
        try:
            yield self
        finally:
            SyncToAsync.__call__ = s2a_call  # type: ignore[method-assign]
            AsyncToSync.__call__ = a2s_call  # type: ignore[method-assign]


# -- in-process runners -----------------------------------------------------------


def _scope(path: str) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"127.0.0.1"), (b"accept", ACCEPT.encode())],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


Runner = Callable[[int], Awaitable[float]]


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
    from asgiref.sync import iscoroutinefunction
    from django.test import AsyncRequestFactory

    factory = AsyncRequestFactory()

    async def run(n: int) -> float:
        requests = [factory.get(path, headers={"accept": ACCEPT}) for _ in range(n)]
        ok = 0
        start = time.perf_counter_ns()
        for request in requests:
            response = view(request)
            if asyncio.iscoroutine(response):
                response = await response
            render = getattr(response, "render", None)
            if render is not None and callable(render):
                if iscoroutinefunction(render):
                    response = await render()
                else:
                    response = render()
            ok += response.status_code == 200
        elapsed = time.perf_counter_ns() - start
        if ok != n:
            raise RuntimeError(f"{path}: {n - ok} of {n} responses were not 200")
        return elapsed / n / 1000

    return run


async def measure_hop_cost(n: int) -> dict[str, float]:
    """µs for one sync_to_async hop: the first of a request (new thread) and a later one."""
    from asgiref.sync import ThreadSensitiveContext, sync_to_async

    def noop() -> None:
        return None

    hop = sync_to_async(noop, thread_sensitive=True)

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

    async def empty_context() -> float:
        start = time.perf_counter_ns()
        for _ in range(n):
            async with ThreadSensitiveContext():
                pass
        return (time.perf_counter_ns() - start) / n / 1000

    base = await empty_context()
    one = await timed(1)
    two = await timed(2)
    return {
        "first_hop_in_request_us": round(one - base, 1),
        "later_hop_same_thread_us": round(two - one, 1),
    }


async def count_hops(runners: dict[str, Runner], n: int = 50) -> dict[str, float]:
    """sync_to_async calls per request for each runner (a separate, untimed pass)."""
    counts: dict[str, float] = {}
    for key, run in runners.items():
        counter = HopCounter()
        with counter.counting():
            await run(n)
        counts[key] = round(counter.sync_to_async / n, 2)
        if counter.async_to_sync:
            counts[key + " (async_to_sync)"] = round(counter.async_to_sync / n, 2)
    return counts


async def run_in_process(args: argparse.Namespace) -> dict[str, Any]:
    from django.core.handlers.asgi import ASGIHandler

    from benchproject.urls import ENDPOINTS

    handler = ASGIHandler()
    groups: dict[str, dict[str, Runner]] = {
        "asgi": {key: make_asgi_runner(handler, ENDPOINTS[key][0]) for key in ALL},
        "direct": {key: make_direct_runner(ENDPOINTS[key][1], ENDPOINTS[key][0]) for key in ALL},
    }
    warm = max(200, args.requests // 2)  # the first timed round is no longer an outlier
    for group in groups.values():
        for run in group.values():
            await run(warm)

    samples: dict[str, dict[str, list[float]]] = {
        name: {key: [] for key in group} for name, group in groups.items()
    }
    for round_no in range(1, args.rounds + 1):
        for name, group in groups.items():
            for key, run in group.items():
                gc.collect()
                samples[name][key].append(await run(args.requests))
        line = "  ".join(
            f"{name}:" + ",".join(f"{samples[name][k][-1]:.0f}" for k in ("restflow", "drf-sync"))
            for name in groups
        )
        print(
            f"  in-process round {round_no}/{args.rounds} done (restflow,drf-sync µs: {line})",
            file=sys.stderr,
        )

    hops = {name: await count_hops(group) for name, group in groups.items()}
    hop_cost = await measure_hop_cost(max(200, args.requests // 4))
    result: dict[str, Any] = {}
    for name in groups:
        result[name] = {
            "unit": "µs/request (lower is better)",
            "requests_per_round": args.requests,
            "rounds": {key: [round(v, 2) for v in values] for key, values in samples[name].items()},
            "best": {key: round(min(values), 2) for key, values in samples[name].items()},
            "median": {
                key: round(statistics.median(values), 2) for key, values in samples[name].items()
            },
            "sync_to_async_per_request": hops[name],
        }
    result["hop_cost"] = hop_cost
    return result


# -- over HTTP ----------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(port: int, path: str, proc: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"uvicorn exited with {proc.returncode} before serving")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path, headers={"Accept": ACCEPT})
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"uvicorn did not answer on 127.0.0.1:{port} within {timeout:.0f}s")


def _pin(cpu: int | None) -> Callable[[], None] | None:
    if cpu is None:
        return None

    def pin() -> None:
        os.sched_setaffinity(0, {cpu})

    return pin


@contextlib.contextmanager
def _pinned_self(cpu: int | None) -> Iterator[None]:
    """Run this process (the loop and its sync_to_async threads) on one CPU, like the server."""
    if cpu is None:
        yield
        return
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {cpu})
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)


_RPS = re.compile(r"Requests/sec:\s+([\d.]+)")
_NON2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_SOCKERR = re.compile(r"Socket errors:.*")
_PCT = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)


def run_wrk(args: argparse.Namespace, url: str, seconds: int, cpu: int | None) -> dict[str, Any]:
    """One bounded wrk run against ``url`` (loopback only); req/s and latency."""
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError(f"refusing to load anything but 127.0.0.1: {url}")
    cmd = [
        args.wrk,
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{seconds}s",
        "--timeout",
        "5s",
        "--latency",
        "-H",
        f"Accept: {ACCEPT}",
        url,
    ]
    out = subprocess.run(
        cmd, capture_output=True, text=True, timeout=seconds + 30, preexec_fn=_pin(cpu), check=True
    ).stdout
    match = _RPS.search(out)
    if match is None:
        raise RuntimeError(f"could not read wrk output:\n{out}")
    non2xx = _NON2XX.search(out)
    if non2xx:
        raise RuntimeError(f"{url}: {non2xx.group(1)} non-2xx responses:\n{out}")
    sock_err = _SOCKERR.search(out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    latency = {f"p{p}_ms": round(float(v) * scale[u], 3) for p, v, u in _PCT.findall(out)}
    return {
        "rps": float(match.group(1)),
        **latency,
        "socket_errors": sock_err.group(0) if sock_err else None,
    }


def run_http(args: argparse.Namespace) -> dict[str, Any]:
    from benchproject.urls import ENDPOINTS

    pin_server = pin_client = None
    if args.pin and (os.cpu_count() or 1) >= 2:
        pin_server, pin_client = 1, 0
    port = _free_port()
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        "benchproject.asgi:application",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
        "--no-access-log",
        "--log-level",
        "warning",
        "--lifespan",
        "off",
        "--loop",
        args.loop,
        "--http",
        args.http,
    ]
    env = {**os.environ, "PYTHONPATH": str(HERE), "DJANGO_SETTINGS_MODULE": "benchproject.settings"}
    samples: dict[str, list[dict[str, Any]]] = {key: [] for key in ALL}
    proc = subprocess.Popen(cmd, cwd=HERE, env=env, preexec_fn=_pin(pin_server))
    try:
        _wait_ready(port, ENDPOINTS["django-async"][0], proc)
        base = f"http://127.0.0.1:{port}"
        for key in ALL:  # warm-up, not recorded
            run_wrk(args, base + ENDPOINTS[key][0], args.warmup, pin_client)
        for round_no in range(1, args.rounds + 1):
            for key in ALL:
                samples[key].append(
                    run_wrk(args, base + ENDPOINTS[key][0], args.duration, pin_client)
                )
            print(
                f"  http round {round_no}/{args.rounds} done (req/s restflow "
                f"{samples['restflow'][-1]['rps']:.0f}, django-async "
                f"{samples['django-async'][-1]['rps']:.0f})",
                file=sys.stderr,
            )
        if proc.poll() is not None:
            raise RuntimeError(f"uvicorn died during the run (exit {proc.returncode})")
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)

    return {
        "unit": "requests/sec (higher is better)",
        "server": " ".join(cmd[1:]).replace(sys.executable, "python"),
        "load": f"wrk -t{args.threads} -c{args.connections} -d{args.duration:g}s "
        f"-H 'Accept: {ACCEPT}' (warm-up {args.warmup:g}s per endpoint)",
        "pinned": {"uvicorn_cpu": pin_server, "wrk_cpu": pin_client},
        "rounds": {key: [s["rps"] for s in values] for key, values in samples.items()},
        "latency_ms_of_best_round": {
            key: {k: v for k, v in max(values, key=lambda s: s["rps"]).items() if k.startswith("p")}
            for key, values in samples.items()
        },
        "best": {key: max(s["rps"] for s in values) for key, values in samples.items()},
        "median": {
            key: statistics.median(s["rps"] for s in values) for key, values in samples.items()
        },
    }


# -- report -------------------------------------------------------------------------


def machine_info(args: argparse.Namespace) -> dict[str, Any]:
    def version(dist: str) -> str | None:
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            return None

    def git(*cmd: str) -> str | None:
        try:
            return subprocess.run(
                ["git", *cmd], cwd=ROOT, capture_output=True, text=True, check=True
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return None

    wrk_version = None
    if args.wrk and shutil.which(args.wrk):
        probe = subprocess.run([args.wrk, "-v"], capture_output=True, text=True)
        wrk_version = (probe.stdout + probe.stderr).strip().splitlines()[0]
    status = git("status", "--porcelain", "--", "packages/restflow-core")
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "versions": {
            dist: version(dist)
            for dist in (
                "Django",
                "djangorestframework",
                "adrf",
                "restflow-core",
                "asgiref",
                "uvicorn",
                "httptools",
                "uvloop",
            )
        },
        "wrk": wrk_version,
        "git_commit": git("rev-parse", "--short", "HEAD"),
        "restflow_core_uncommitted_changes": bool(status),
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def _cpu_model() -> str | None:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return None


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a and b else None


def compute_ratios(results: dict[str, Any]) -> dict[str, Any]:
    ratios: dict[str, Any] = {}
    for path in ("asgi", "direct"):
        part = results.get("in_process", {}).get(path)
        if not part:
            continue
        best = part["best"]
        ratios[f"in_process.{path}"] = {
            "restflow / drf-sync": _ratio(best["restflow"], best["drf-sync"]),
            "restflow / adrf": _ratio(best["restflow"], best["adrf"]),
            "restflow / django-async": _ratio(best["restflow"], best["django-async"]),
            "adrf / restflow (speed-up)": _ratio(best["adrf"], best["restflow"]),
            "restflow@default / drf-sync@default": _ratio(
                best["restflow@default"], best["drf-sync@default"]
            ),
            "restflow@default / adrf@default": _ratio(
                best["restflow@default"], best["adrf@default"]
            ),
            "adrf@default / restflow@default (speed-up)": _ratio(
                best["adrf@default"], best["restflow@default"]
            ),
            "restflow@default / django-async": _ratio(
                best["restflow@default"], best["django-async"]
            ),
            # What a view costing nothing would reach against adrf on this path.
            "ceiling: adrf / django-async (speed-up)": _ratio(best["adrf"], best["django-async"]),
        }
    http_part = results.get("http")
    if http_part:
        best = http_part["best"]
        ratios["http"] = {
            "restflow / django-async": _ratio(best["restflow"], best["django-async"]),
            "restflow / adrf": _ratio(best["restflow"], best["adrf"]),
            "restflow / drf-sync": _ratio(best["restflow"], best["drf-sync"]),
            "restflow@default / django-async": _ratio(
                best["restflow@default"], best["django-async"]
            ),
            "restflow@default / adrf@default": _ratio(
                best["restflow@default"], best["adrf@default"]
            ),
            "restflow@default / drf-sync@default": _ratio(
                best["restflow@default"], best["drf-sync@default"]
            ),
        }
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
            f"\n{labels[path]} — µs/request, lower is better "
            f"({n_rounds} rounds × {part['requests_per_round']} requests, interleaved; "
            f"pinned to CPU: {results['in_process'].get('pinned_cpu')})"
        )
        print(f"  {'implementation':20} {'best':>9} {'median':>9} {'s2a hops/req':>13}   rounds")
        for key in ALL:
            rounds = " ".join(f"{x:.1f}" for x in part["rounds"][key])
            hops = part["sync_to_async_per_request"].get(key, 0)
            print(
                f"  {key:20} {part['best'][key]:9.1f} {part['median'][key]:9.1f} "
                f"{hops:13g}   {rounds}"
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
        print(
            f"  {'implementation':20} {'best':>9} {'median':>9} {'p50 ms':>8} {'p99 ms':>8}"
            f"   rounds"
        )
        for key in ALL:
            lat = http_part["latency_ms_of_best_round"][key]
            rounds = " ".join(f"{x:.0f}" for x in http_part["rounds"][key])
            print(
                f"  {key:20} {http_part['best'][key]:9.0f} {http_part['median'][key]:9.0f} "
                f"{lat.get('p50_ms', float('nan')):8.2f} {lat.get('p99_ms', float('nan')):8.2f}"
                f"   {rounds}"
            )
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
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="rounds per part (default 5)")
    parser.add_argument(
        "--requests",
        type=int,
        default=2000,
        help="in-process requests per implementation per round (default 2000)",
    )
    parser.add_argument(
        "--duration", type=int, default=5, help="wrk seconds per endpoint per round (default 5)"
    )
    parser.add_argument(
        "--warmup", type=int, default=1, help="wrk warm-up seconds per endpoint (default 1)"
    )
    parser.add_argument("--connections", type=int, default=32, help="wrk -c (default 32)")
    parser.add_argument("--threads", type=int, default=1, help="wrk -t (default 1)")
    parser.add_argument(
        "--loop",
        default="asyncio",
        choices=["asyncio", "uvloop"],
        help="uvicorn --loop (default asyncio)",
    )
    parser.add_argument(
        "--http",
        default=None,
        choices=["h11", "httptools"],
        help="uvicorn --http (default httptools when installed, else h11)",
    )
    parser.add_argument(
        "--no-pin",
        dest="pin",
        action="store_false",
        help="do not pin (by default the in-process part and uvicorn run on CPU 1, wrk on CPU 0)",
    )
    parser.add_argument("--wrk", default=shutil.which("wrk") or "wrk", help="path to wrk")
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--skip-in-process", action="store_true")
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 5 rounds of 300 requests, 1 s wrk runs"
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--strict", action="store_true", help="exit 1 when a primary target fails")
    args = parser.parse_args(argv)
    if args.quick:
        args.requests, args.duration, args.warmup = 300, 1, 1
    if args.http is None:
        try:
            import httptools  # noqa: F401

            args.http = "httptools"
        except ImportError:
            args.http = "h11"
    if min(args.rounds, args.requests, args.duration, args.warmup) < 1:
        parser.error("--rounds, --requests, --duration and --warmup must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    _ensure_bench_python()
    args = parse_args(argv)
    _setup_django()
    results: dict[str, Any] = {"machine": machine_info(args)}
    results["config"] = {
        "rounds": args.rounds,
        "requests_per_round": args.requests,
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
        cpu = 1 if args.pin and (os.cpu_count() or 1) >= 2 else None
        with _pinned_self(cpu):
            results["in_process"] = asyncio.run(run_in_process(args))
        results["in_process"]["pinned_cpu"] = cpu
    if not args.skip_http:
        if not shutil.which(args.wrk):
            print("wrk not found: skipping the HTTP part (apt-get install wrk)", file=sys.stderr)
        else:
            print("HTTP part…", file=sys.stderr)
            results["http"] = run_http(args)
    results["ratios"] = compute_ratios(results)
    results["targets"] = evaluate_targets(results["ratios"])
    print_report(results)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"\nresults written to {args.output}")
    failed = [t for t in results["targets"] if t["primary"] and not t["pass"]]
    return 1 if (args.strict and failed) else 0


if __name__ == "__main__":
    sys.exit(main())
