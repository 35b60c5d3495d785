"""Benchmark an I/O-bound endpoint: a handler that awaits a 50 ms outbound call.

Servers, each two worker processes, all started once and loaded in turn:

  restflow      ``restflow.views.AsyncAPIView`` under uvicorn, awaiting the call with
                one ``aiohttp.ClientSession`` per worker
  drf-sync      DRF's sync ``APIView`` under gunicorn (gthread, 8 threads per worker),
                making the same call with one ``urllib3.PoolManager`` per worker
  django-async  a bare Django ``async def`` view under uvicorn (the same uvicorn
                processes as restflow), the same aiohttp session

The outbound service is ``_loadgen.py upstream``: an asyncio server in its own process
that answers every request after 50 ms with a tiny JSON body. The load generator
(``_loadgen.py load``, raw asyncio sockets, its own process) holds 100 keep-alive
connections, split evenly between a server's two workers, for a warm-up and then a
measured window; the servers are interleaved in every round.

Run it with the bench venv (``bash scripts/bench/setup.sh`` creates it):

  .bench-venv/bin/python scripts/bench/io_bound.py [--rounds 3] [--seconds 10] [--help]

Prints a table and PASS/FAIL per target, writes scripts/bench/results/io_bound.json.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import _venv

HERE = Path(__file__).resolve().parent
DEFAULT_OUTPUT = HERE / "results" / "io_bound.json"
SETTINGS = "benchproject.io_settings"
UPSTREAM_ENV = "RESTFLOW_BENCH_UPSTREAM"  # read by benchproject/io_views.py
ACCEPT = {"Accept": "application/json"}
DISTS = ["Django", "djangorestframework", "restflow-core", "restflow-views", "uvicorn",
         "httptools", "uvloop", "gunicorn", "aiohttp", "urllib3"]  # fmt: skip

# django-async in the middle: restflow and the bare view always run back to back (the
# order is reversed every other round), so they see the most similar background load.
KEYS = ["restflow", "django-async", "drf-sync"]
PATHS = {
    "restflow": "/io/restflow/",
    "drf-sync": "/io/drf-sync/",
    "django-async": "/io/django-async/",
}  # benchproject/io_urls.py

sys.path.insert(0, str(HERE))
import _http  # noqa: E402  (the bench directory is not a package)


def _ensure_bench_python() -> None:
    _venv.ensure_bench_python(
        __file__, "aiohttp", "urllib3", "gunicorn", "uvicorn", "restflow.views"
    )


# -- the servers ---------------------------------------------------------------------------


def uvicorn_cmd(args: argparse.Namespace, port: int) -> list[str]:
    return [sys.executable, "-m", "uvicorn", "benchproject.asgi:application",
            "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
            "--no-access-log", "--log-level", "warning", "--lifespan", "off",
            "--loop", args.loop, "--http", args.http]  # fmt: skip


def gunicorn_cmd(args: argparse.Namespace, port: int) -> list[str]:
    # gunicorn writes no access log unless --access-logfile is given
    return [sys.executable, "-m", "gunicorn", "benchproject.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", "1", "--worker-class", "gthread",
            "--threads", str(args.threads), "--log-level", "warning",
            "--keep-alive", "5"]  # fmt: skip


def run_rounds(args: argparse.Namespace) -> dict[str, Any]:
    """Start the upstream and the servers, load every server in turn for ``args.rounds``."""
    upstream_port = _http.free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(HERE),
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        UPSTREAM_ENV: f"http://127.0.0.1:{upstream_port}/",
    }
    uvicorn_ports = [_http.free_port() for _ in range(args.workers)]
    gunicorn_ports = [_http.free_port() for _ in range(args.workers)]
    upstream = [sys.executable, str(HERE / "_loadgen.py"), "upstream", "--port", str(upstream_port),
                "--delay", str(args.delay_ms / 1000)]  # fmt: skip
    cmds = [upstream]
    cmds += [uvicorn_cmd(args, port) for port in uvicorn_ports]
    cmds += [gunicorn_cmd(args, port) for port in gunicorn_ports]
    ports = {"restflow": uvicorn_ports, "django-async": uvicorn_ports, "drf-sync": gunicorn_ports}
    samples: dict[str, list[dict[str, Any]]] = {key: [] for key in KEYS}
    with _http.servers(cmds, env=env) as procs:
        upstream_proc, uvicorn_procs = procs[0], procs[1 : 1 + args.workers]
        gunicorn_procs = procs[1 + args.workers :]
        pids = {
            "restflow": [p.pid for p in uvicorn_procs],
            "django-async": [p.pid for p in uvicorn_procs],
            "drf-sync": [p.pid for p in gunicorn_procs],
        }
        for port, proc in zip(uvicorn_ports + gunicorn_ports, procs[1:], strict=True):
            key = "restflow" if port in uvicorn_ports else "drf-sync"
            _http.wait_ready(port, PATHS[key], proc, headers=ACCEPT)
            if key == "restflow":
                _http.wait_ready(port, PATHS["django-async"], proc, headers=ACCEPT)
        for round_no in range(1, args.rounds + 1):
            order = KEYS if round_no % 2 else list(reversed(KEYS))
            for key in order:
                samples[key].append(_load_once(args, key, ports[key], pids[key], upstream_proc.pid))
            line = ", ".join(
                f"{k} {samples[k][-1]['rps']:.0f} req/s p99 {samples[k][-1]['p99_ms']:.0f} ms"
                for k in KEYS
            )
            print(f"  round {round_no}/{args.rounds}: {line}", file=sys.stderr)
        for proc in procs:
            if proc.poll() is not None:
                raise RuntimeError(f"{proc.args!r} died during the run ({proc.returncode})")
    return samples


def _load_once(
    args: argparse.Namespace, key: str, ports: list[int], pids: list[int], upstream_pid: int
) -> dict[str, Any]:
    """One load run against ``key``'s workers; the figures plus where the CPU went."""
    server_cpu = _http.tree_cpu_seconds(pids)
    upstream_cpu = _http.tree_cpu_seconds([upstream_pid])
    busy, total = _http.machine_busy()
    load_started = time.monotonic()
    result = _http.run_load(
        ports, PATHS[key], args.connections, args.warmup, args.seconds, headers=ACCEPT
    )
    elapsed = time.monotonic() - load_started
    requests = result["total_requests"] or 1
    busy2, total2 = _http.machine_busy()
    server_cpu = _http.tree_cpu_seconds(pids) - server_cpu
    upstream_cpu = _http.tree_cpu_seconds([upstream_pid]) - upstream_cpu
    result["server_cpu_per_request_us"] = round(server_cpu / requests * 1e6, 1)
    result["upstream_cpu_per_request_us"] = round(upstream_cpu / requests * 1e6, 1)
    # share of all CPUs busy during the run, ours and everyone else's (1.0 = saturated)
    result["machine_busy"] = round((busy2 - busy) / max(total2 - total, 1e-9), 3)
    # CPU cores busy meanwhile with work that is not this bench's (other people's, on a
    # shared machine): the run's noise
    ours = server_cpu + upstream_cpu + result["load_cpu_share_of_one_core"] * args.seconds
    result["others_cores"] = round(max(0.0, (busy2 - busy) - ours) / elapsed, 2)
    if result["non_200"] or result["socket_errors"]:
        print(
            f"  warning: {key}: {result['non_200']} non-200 answers, "
            f"{result['socket_errors']} socket errors",
            file=sys.stderr,
        )
    return result


# -- figures -------------------------------------------------------------------------------


def summarize(samples: dict[str, list[dict[str, Any]]], max_others: float) -> dict[str, Any]:
    """Best and median rounds per server.

    A round with errors is never a best; nor is a noisy one (other work on the machine used
    more than ``max_others`` cores meanwhile) when the server has a quieter clean round.
    """
    summary: dict[str, Any] = {}
    for key, runs in samples.items():
        clean = [r for r in runs if not r["non_200"] and not r["socket_errors"]] or runs
        quiet = [r for r in clean if r["others_cores"] <= max_others] or clean
        best = max(quiet, key=lambda r: r["rps"])
        summary[key] = {
            "best_rps": best["rps"],
            "best_p50_ms": min(r["p50_ms"] for r in quiet),
            "best_p99_ms": min(r["p99_ms"] for r in quiet),
            "median_rps": round(statistics.median(r["rps"] for r in runs), 1),
            "median_p99_ms": round(statistics.median(r["p99_ms"] for r in runs), 2),
            "min_server_cpu_per_request_us": min(r["server_cpu_per_request_us"] for r in runs),
            "best_round": best,
            "rounds_with_errors": sum(1 for r in runs if r["non_200"] or r["socket_errors"]),
            "noisy_rounds": sum(1 for r in runs if r["others_cores"] > max_others),
            "rounds_considered_for_best": len(quiet),
        }
    return summary


def _ratio(a: float, b: float) -> float:
    return round(a / b, 3) if b else float("nan")


def targets(
    summary: dict[str, Any], samples: dict[str, list[dict[str, Any]]]
) -> list[dict[str, Any]]:
    """The acceptance targets of issue 7 on ratios of best rounds.

    Alongside, the median of the per-round ratios (each restflow run against the other
    server's run of the same round): less sensitive to one lucky or unlucky round.
    """
    rf, drf, bare = summary["restflow"], summary["drf-sync"], summary["django-async"]

    def paired(other: str, field: str) -> float:
        pairs = zip(samples["restflow"], samples[other], strict=True)
        return round(statistics.median(_ratio(a[field], b[field]) for a, b in pairs), 3)

    checks: list[tuple[str, float, float, str, Callable[[float], bool]]] = [
        ("restflow / drf-sync (req/s)", _ratio(rf["best_rps"], drf["best_rps"]),
         paired("drf-sync", "rps"), ">= 2.5", lambda v: v >= 2.5),
        ("restflow / django-async (req/s)", _ratio(rf["best_rps"], bare["best_rps"]),
         paired("django-async", "rps"), ">= 0.95", lambda v: v >= 0.95),
        ("restflow / django-async (p99 latency)", _ratio(rf["best_p99_ms"], bare["best_p99_ms"]),
         paired("django-async", "p99_ms"), "<= 1.1", lambda v: v <= 1.1),
    ]  # fmt: skip
    return [
        {"target": name, "ratio": best, "median_round_ratio": median, "want": want,
         "pass": ok(best)}
        for name, best, median, want, ok in checks
    ]  # fmt: skip


def print_report(result: dict[str, Any]) -> None:
    config = result["config"]
    print(
        f"\nI/O-bound bench — Python {result['versions']['python']}, "
        f"{result['machine']['cpu_count']} CPUs ({result['machine']['cpu_model']})"
    )
    print(
        f"handler awaits a {config['upstream_delay_ms']} ms upstream call; "
        f"{config['connections']} connections; {config['rounds']} rounds × "
        f"{config['seconds']:g} s (+{config['warmup']:g} s warm-up), servers interleaved"
    )
    for key in KEYS:
        print(f"  {key:13} {config['servers'][key]}")
    print(
        f"\n  {'server':13} {'best req/s':>10} {'median':>8} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'srv µs/req':>10} {'load µs/req':>11} {'others':>6}   rounds (req/s; * noisy)"
    )
    for key in KEYS:
        s = result["summary"][key]
        best = s["best_round"]
        limit = config["max_others_cores"]
        rounds = " ".join(
            f"{r['rps']:.0f}{'*' if r['others_cores'] > limit else ''}"
            for r in result["rounds"][key]
        )
        print(
            f"  {key:13} {s['best_rps']:10.0f} {s['median_rps']:8.0f} {s['best_p50_ms']:7.1f} "
            f"{s['best_p99_ms']:7.1f} {best['server_cpu_per_request_us']:10.0f} "
            f"{best['load_cpu_per_request_us'] or 0:11.0f} {best['others_cores']:6.2f}   {rounds}"
        )
    print(
        "\n  best: of the rounds without errors and, if any, not noisy; p50/p99: the lowest of"
        "\n  those rounds. srv µs/req: server CPU per request (all its processes). others: CPU"
        "\n  cores used by other work on the machine during the best round; a round is noisy"
        f"\n  above {config['max_others_cores']:g}."
    )
    cpu = {k: result["summary"][k]["min_server_cpu_per_request_us"] for k in KEYS}
    print(
        f"  server CPU per request, lowest round: restflow / django-async "
        f"{_ratio(cpu['restflow'], cpu['django-async']):.3f} (not a target: a noise check)"
    )
    print("\ntargets (ratios of best rounds; in brackets the median of per-round ratios):")
    for t in result["targets"]:
        print(
            f"  {'PASS' if t['pass'] else 'FAIL'}  {t['target']:38} {t['ratio']:6.2f}  "
            f"({t['median_round_ratio']:.2f})  want {t['want']}"
        )


# -- command line -------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--rounds", type=int, default=4, help="rounds of the three servers")
    parser.add_argument("--seconds", type=float, default=8.0, help="measured seconds per run")
    parser.add_argument("--warmup", type=float, default=2.0, help="warm-up seconds per run")
    parser.add_argument("--connections", type=int, default=100, help="concurrent clients")
    parser.add_argument("--delay-ms", type=float, default=50.0, help="the upstream's delay")
    parser.add_argument("--workers", type=int, default=2, help="worker processes per server")
    parser.add_argument("--threads", type=int, default=8, help="gunicorn threads per worker")
    parser.add_argument("--loop", default="asyncio", choices=["asyncio", "uvloop"], help="uvicorn")
    parser.add_argument("--http", default="httptools", choices=["httptools", "h11"], help="uvicorn")
    parser.add_argument(
        "--max-others",
        type=float,
        default=0.5,
        help="a round during which other work used more CPU cores than this is noisy: "
        "not a best when the server has a quieter round",
    )
    parser.add_argument("--quick", action="store_true", help="smoke run: 1 round of 2 s, no file")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="results file")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target fails")
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.seconds, args.warmup = 1, 2.0, 1.0
    if min(args.rounds, args.seconds, args.connections, args.workers, args.threads) <= 0:
        parser.error("--rounds, --seconds, --connections, --workers and --threads must be > 0")
    if args.loop == "uvloop" and importlib.util.find_spec("uvloop") is None:
        parser.error("--loop uvloop needs uvloop: .bench-venv/bin/pip install uvloop")
    if args.warmup < 0 or args.delay_ms < 0:
        parser.error("--warmup and --delay-ms must not be negative")
    return args


def main(argv: list[str] | None = None) -> int:
    _ensure_bench_python()
    args = parse_args(argv)
    started = time.monotonic()
    samples = run_rounds(args)
    summary = summarize(samples, args.max_others)
    uvicorn = " ".join(uvicorn_cmd(args, 0)[3:])
    gunicorn = " ".join(gunicorn_cmd(args, 0)[3:])
    result: dict[str, Any] = {
        "machine": {
            "platform": platform.platform(),
            "cpu_count": os.cpu_count(),
            "cpu_model": _http.cpu_model(),
        },
        "versions": {"python": platform.python_version(), **_http.versions(DISTS)},
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "config": {
            "upstream_delay_ms": args.delay_ms,
            "connections": args.connections,
            "rounds": args.rounds,
            "seconds": args.seconds,
            "warmup": args.warmup,
            "max_others_cores": args.max_others,
            "servers": {
                "restflow": f"{args.workers} × uvicorn {uvicorn}",
                "django-async": f"the same {args.workers} uvicorn processes",
                "drf-sync": f"{args.workers} × gunicorn {gunicorn}",
            },
            "ports": "one process and port per worker (port 0 above stands for each one's)",
            "load": f"_loadgen.py load: raw asyncio sockets, {args.connections} keep-alive "
            f"connections split evenly between the {args.workers} workers",
        },
        "rounds": samples,
        "summary": summary,
        "targets": targets(summary, samples),
    }
    print_report(result)
    print(f"\n(run took {time.monotonic() - started:.0f} s)", file=sys.stderr)
    if not args.quick:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
        print(f"\nwrote {args.output}")
    return 1 if args.strict and not all(t["pass"] for t in result["targets"]) else 0


if __name__ == "__main__":
    sys.exit(main())
