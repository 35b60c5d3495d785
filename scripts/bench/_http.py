"""HTTP helpers shared by the bench scripts: servers, load runs, where the CPU goes.

* ``uvicorn``, ``wait_ready`` and ``servers`` start server processes on loopback ports
  (``free_port``, the one of ``scripts/_cli.py``), wait until they answer and always stop
  them (in a ``finally``); ``pin`` and ``pinned_self`` keep processes on one CPU.
* ``run_load`` runs ``_loadgen.py load`` in its own process: the one HTTP driver of every
  bench (no wrk: it cannot be installed on these machines, and one driver keeps the
  benches' figures comparable). ``measured_load`` adds the servers' CPU per request,
  ``summary`` and ``print_summary`` turn runs into best and median rounds.
* ``tree_cpu_seconds`` and ``machine_busy`` tell where the CPU went during a run.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.client
import importlib.metadata
import inspect
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:
    sys.path.append(str(HERE.parent))  # scripts/: _cli, standard library only

from _cli import free_port as free_port  # noqa: E402  (re-exported: the one free_port)

from _loadgen import load  # noqa: E402

# -- server processes ------------------------------------------------------------------


def uvicorn(app: str, port: int, http: str = "httptools", loop: str = "asyncio") -> list[str]:
    """The command of one quiet uvicorn worker serving ``app`` on ``127.0.0.1:port``."""
    return [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port),
            "--workers", "1", "--no-access-log", "--log-level", "warning", "--lifespan", "off",
            "--loop", loop, "--http", http]  # fmt: skip


def cpu_pair(pin: bool) -> tuple[int | None, int | None]:
    """(server CPU, load generator CPU): 1 and 0 when pinning on 2+ CPUs, else no pinning."""
    if pin and hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) >= 2:
        return 1, 0
    return None, None


def pin(pid: int, cpu: int | None) -> None:
    """Keep process ``pid`` on ``cpu`` (nothing when ``cpu`` is None)."""
    if cpu is not None:
        os.sched_setaffinity(pid, {cpu})


@contextlib.contextmanager
def pinned_self(cpu: int | None) -> Iterator[None]:
    """Run this process (its loop and sync_to_async threads) on ``cpu`` for the block."""
    if cpu is None:
        yield
        return
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {cpu})
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)


def wait_ready(
    port: int,
    path: str,
    proc: subprocess.Popen[Any],
    timeout: float = 60.0,
    headers: dict[str, str] | None = None,
) -> None:
    """Poll ``GET path`` on ``127.0.0.1:port`` until it answers 200; raise if ``proc`` dies."""
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args!r} exited with {proc.returncode} before serving")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path, headers=headers or {})
            response = conn.getresponse()
            body = response.read()
            conn.close()
            if response.status == 200:
                return
            last = f"status {response.status}: {body[:300]!r}"
        except OSError as exc:
            last = repr(exc)
        time.sleep(0.2)
    raise RuntimeError(f"127.0.0.1:{port}{path} did not answer 200 within {timeout:.0f}s ({last})")


def stop(proc: subprocess.Popen[Any]) -> None:
    """Terminate ``proc`` (SIGTERM, then SIGKILL after 15 s) and reap it."""
    if proc.poll() is None:
        proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextlib.contextmanager
def servers(
    cmds: Sequence[Sequence[str]], env: dict[str, str] | None = None, cwd: Path = HERE
) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Start one process per command; stop every one of them on exit, whatever happens."""
    started: list[subprocess.Popen[bytes]] = []
    try:
        for cmd in cmds:
            started.append(subprocess.Popen(list(cmd), env=env, cwd=cwd))
        yield started
    finally:
        for proc in started:
            if proc.poll() is None:
                proc.terminate()
        for proc in started:
            stop(proc)


# -- where the CPU goes ------------------------------------------------------------------

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, user + system CPU seconds) of a process, from /proc."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2 :].split()  # after "pid (comm) "
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICK


def tree_cpu_seconds(pids: Sequence[int]) -> float:
    """CPU seconds used so far by the processes ``pids`` and their children (Linux only)."""
    parents: dict[int, list[int]] = {}
    cpu: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            found = _stat(int(entry.name))
            if found is not None:
                parents.setdefault(found[0], []).append(int(entry.name))
                cpu[int(entry.name)] = found[1]
    total, todo, seen = 0.0, list(pids), set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += cpu.get(pid, 0.0)
        todo.extend(parents.get(pid, []))
    return total


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, all CPUs, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    total = sum(values[:8])  # steal included, guest already counted in user
    return (total - idle) / _TICK, total / _TICK


# -- versions and machine ------------------------------------------------------------------


def versions(dists: Sequence[str]) -> dict[str, str | None]:
    """Installed version of each distribution (None when missing)."""
    found: dict[str, str | None] = {}
    for dist in dists:
        try:
            found[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            found[dist] = None
    return found


def cpu_model() -> str | None:
    """The CPU's model name from /proc/cpuinfo."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return None


# -- load runs ------------------------------------------------------------------------


def run_load(
    ports: Sequence[int], *args: Any, cpu: int | None = None, **kwargs: Any
) -> dict[str, Any]:
    """:func:`load` on ``127.0.0.1:ports`` (its other arguments as given) in a separate
    process, so it does not share this one's core or GIL; pinned to ``cpu`` when given."""
    spec = inspect.signature(load).bind(None, *args, **kwargs)
    spec.apply_defaults()
    options = {**spec.arguments, "body": spec.arguments["body"].decode()}
    del options["targets"]
    cmd = [sys.executable, str(HERE / "_loadgen.py"), "load",
           "--ports", ",".join(str(p) for p in ports), "--spec", json.dumps(options)]  # fmt: skip
    done = subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        timeout=options["warmup"] + options["seconds"] + 60,
        preexec_fn=None if cpu is None else functools.partial(pin, 0, cpu),
    )
    if done.returncode:
        raise RuntimeError(f"load generator failed ({done.returncode}):\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def measured_load(
    pids: Sequence[int], ports: Sequence[int], path: str, *load_args: Any, **load_kwargs: Any
) -> dict[str, Any]:
    """``run_load`` against ``ports``, with the CPU the servers ``pids`` used per request and
    as a share of one core (to set against the load generator's own); raises on any error."""
    cpu = tree_cpu_seconds(pids)
    run = run_load(ports, path, *load_args, **load_kwargs)
    cpu = tree_cpu_seconds(pids) - cpu
    if run["non_200"] or run["socket_errors"] or not run["requests"]:
        raise RuntimeError(f"load on {path}: {run}")
    run["server_cpu_per_request_us"] = round(cpu / run["total_requests"] * 1e6, 1)
    run["server_cpu_share_of_one_core"] = round(cpu * run["rps"] / run["total_requests"], 3)
    return run


def summary(runs: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Requests/second of every round, the best and median round per key, the best round's
    figures, and the median CPU of server and load generator per request."""

    def median(key: str, field: str) -> float:
        return round(statistics.median(r[field] for r in runs[key]), 3)

    return {
        "rounds": {key: [r["rps"] for r in values] for key, values in runs.items()},
        "best": {key: max(r["rps"] for r in values) for key, values in runs.items()},
        "median": {key: median(key, "rps") for key in runs},
        "best_round": {key: max(values, key=lambda r: r["rps"]) for key, values in runs.items()},
        "cpu_per_request_us": {
            key: {
                "server": median(key, "server_cpu_per_request_us"),
                "load_generator": median(key, "load_cpu_per_request_us"),
            }
            for key in runs
        },
    }


def print_summary(part: dict[str, Any]) -> None:
    """A :func:`summary` as a table: req/s of the best and median round, the best round's
    latency, CPU per request of the servers and of the load generator, every round."""
    print(f"  {'':20} {'best':>7} {'median':>7} {'p50 ms':>7} {'p99 ms':>7} {'server':>7} "
          f"{'load':>5}   req/s of every round (CPU: µs per request)")  # fmt: skip
    for key, best in part["best"].items():
        top, cpu = part["best_round"][key], part["cpu_per_request_us"][key]
        rounds = " ".join(f"{x:.0f}" for x in part["rounds"][key])
        print(f"  {key:20} {best:7.0f} {part['median'][key]:7.0f} {top['p50_ms']:7.2f} "
              f"{top['p99_ms']:7.2f} {cpu['server']:7.0f} {cpu['load_generator']:5.0f}   {rounds}")  # fmt: skip


def add_arguments(
    parser: argparse.ArgumentParser,
    *,
    rounds: int,
    seconds: float,
    warmup: float,
    connections: int,
) -> None:
    """The HTTP part's options every bench shares."""
    group = parser.add_argument_group("over HTTP (_loadgen.py load)")
    group.add_argument("--http-rounds", type=int, default=rounds, help=f"rounds ({rounds})")
    group.add_argument(
        "--duration",
        type=float,
        default=seconds,
        help=f"measured seconds per load run ({seconds:g})",
    )
    group.add_argument(
        "--warmup", type=float, default=warmup, help=f"warm-up seconds per load run ({warmup:g})"
    )
    group.add_argument(
        "--connections",
        type=int,
        default=connections,
        help=f"keep-alive connections ({connections})",
    )
    group.add_argument(
        "--http",
        default="httptools",
        choices=["httptools", "h11"],
        help="uvicorn --http (httptools)",
    )
    group.add_argument("--skip-http", action="store_true", help="no HTTP part")
    group.add_argument("--skip-in-process", action="store_true", help="no in-process part")
