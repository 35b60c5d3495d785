"""HTTP helpers shared by the bench scripts: servers, a load generator, a slow upstream.

* ``uvicorn``, ``wait_ready`` and ``servers`` start server processes on loopback ports
  (``free_port``, the one of ``scripts/_cli.py``), wait until they answer and always stop
  them (in a ``finally``); ``pin`` and ``pinned_self`` keep processes on one CPU.
* ``measured_load`` is ``run_load`` plus the server's CPU per request, and ``summary``
  turns runs into best and median rounds: the one HTTP driver of every bench (no wrk:
  it is not installable on these machines, and one driver keeps the figures comparable).
* ``run_load`` runs the load generator of this module in its own process: raw asyncio
  sockets (a ``Protocol`` per connection, HTTP/1.1 keep-alive, one request in flight per
  connection), ``connections`` split evenly between the target ports, a warm-up, then a
  fixed measured window; requests/second and latency percentiles of that window.
* ``python _http.py upstream --port P --delay S`` is a tiny asyncio HTTP server that
  answers every request after ``S`` seconds (``asyncio`` timers, no thread) with a small
  JSON body: the "outbound service" of the I/O-bound bench.
* ``tree_cpu_seconds`` and ``machine_busy`` tell where the CPU went during a run.

The load generator and the upstream use uvloop when it is installed, asyncio otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
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
from typing import Any, cast

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:
    sys.path.append(str(HERE.parent))  # scripts/: _cli, standard library only

from _cli import free_port as free_port  # noqa: E402  (re-exported: the one free_port)

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


# -- the load generator ------------------------------------------------------------------


class _Window:
    """What every connection of one load run shares: the measured window and its samples."""

    def __init__(self) -> None:
        self.start = float("inf")
        self.end = float("inf")
        self.stopping = False
        self.latencies: list[float] = []
        self.total = 0
        self.non_200 = 0
        self.socket_errors = 0
        self.per_target: dict[int, int] = {}


class _LoadConnection(asyncio.Protocol):
    """One keep-alive connection sending the same request again as soon as an answer is complete."""

    def __init__(self, window: _Window, request: bytes, port: int, expect: int) -> None:
        self.window = window
        self.request = request
        self.port = port
        self.expect = expect
        self.transport: asyncio.Transport | None = None
        self.buf = bytearray()
        self.head_end = -1
        self.length = -1  # body length; -1: chunked
        self.status = 0
        self.sent_at = 0.0
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass
        self._send()

    def _send(self) -> None:
        assert self.transport is not None
        if self.window.stopping:
            self.transport.close()
            return
        self.buf.clear()
        self.head_end = -1
        self.sent_at = time.perf_counter()
        self.transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        buf = self.buf
        buf += data
        if self.head_end < 0:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                return
            self.head_end = end + 4
            head = bytes(buf[:end]).lower()
            self.status = int(head[9:12])
            at = head.find(b"\r\ncontent-length:")
            if at >= 0:
                stop = head.find(b"\r\n", at + 2)
                self.length = int(head[at + 17 : stop if stop >= 0 else len(head)])
            elif b"\r\ntransfer-encoding: chunked" in head:
                self.length = -1
            else:
                raise RuntimeError(f"response without a length: {bytes(buf[:end])!r}")
        if self.length >= 0:
            if len(buf) < self.head_end + self.length:
                return
        elif not buf.endswith(b"\r\n0\r\n\r\n"):
            return
        done = time.perf_counter()
        window = self.window
        window.total += 1
        if window.start <= done <= window.end:
            window.latencies.append(done - self.sent_at)
            window.per_target[self.port] = window.per_target.get(self.port, 0) + 1
            if self.status != self.expect:
                window.non_200 += 1
        self._send()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.window.stopping:
            self.window.socket_errors += 1
        if not self.closed.done():
            self.closed.set_result(None)


def _percentile(ordered: list[float], pct: float) -> float:
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))]


async def load(
    targets: Sequence[tuple[str, int]],
    path: str,
    connections: int,
    warmup: float,
    seconds: float,
    headers: dict[str, str] | None = None,
    method: str = "GET",
    body: bytes = b"",
    expect: int = 200,
) -> dict[str, Any]:
    """Hold ``connections`` keep-alive connections on ``targets`` (split evenly) and measure.

    Every connection sends ``method path`` with ``body`` (a ``Content-Length`` header when
    there is one); ``non_200`` in the result counts answers whose status is not ``expect``.
    """
    for host, _port in targets:
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError(f"refusing to load anything but loopback: {host}")
    loop = asyncio.get_running_loop()
    window = _Window()
    extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
    if body:
        extra += f"Content-Length: {len(body)}\r\n"
    clients: list[_LoadConnection] = []
    for i in range(connections):
        host, port = targets[i % len(targets)]
        request = f"{method} {path} HTTP/1.1\r\nHost: {host}:{port}\r\n{extra}\r\n".encode() + body
        _, client = await loop.create_connection(
            functools.partial(_LoadConnection, window, request, port, expect), host, port
        )
        clients.append(client)
    window.start = time.perf_counter() + warmup
    window.end = window.start + seconds
    await asyncio.sleep(warmup)
    cpu_start = time.process_time()
    await asyncio.sleep(seconds)
    cpu = time.process_time() - cpu_start
    window.stopping = True
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(asyncio.gather(*(c.closed for c in clients)), 15)
    ordered = sorted(window.latencies)
    count = len(ordered)
    return {
        "requests": count,
        "rps": round(count / seconds, 1),
        "p50_ms": round(_percentile(ordered, 50) * 1000, 2),
        "p90_ms": round(_percentile(ordered, 90) * 1000, 2),
        "p99_ms": round(_percentile(ordered, 99) * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2) if ordered else None,
        "non_200": window.non_200,
        "socket_errors": window.socket_errors,
        "per_port_rps": {str(p): round(n / seconds, 1) for p, n in window.per_target.items()},
        "total_requests": window.total,  # warm-up included (for CPU per request)
        "load_cpu_per_request_us": round(cpu / count * 1e6, 1) if count else None,
        "load_cpu_share_of_one_core": round(cpu / seconds, 3),
    }


def run_load(
    ports: Sequence[int], *args: Any, cpu: int | None = None, **kwargs: Any
) -> dict[str, Any]:
    """:func:`load` on ``127.0.0.1:ports`` (its other arguments as given) in a separate
    process, so it does not share this one's core or GIL; pinned to ``cpu`` when given."""
    spec = inspect.signature(load).bind(None, *args, **kwargs)
    spec.apply_defaults()
    options = {**spec.arguments, "body": spec.arguments["body"].decode()}
    del options["targets"]
    cmd = [sys.executable, str(Path(__file__).resolve()), "load",
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
    group = parser.add_argument_group("over HTTP (_http.py load)")
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


# -- the slow upstream -------------------------------------------------------------------

_UPSTREAM_BODY = b'{"upstream":"ok"}'


class _Upstream(asyncio.Protocol):
    """Answers each GET (no body) after ``delay`` seconds, in order, on a keep-alive connection."""

    def __init__(self, delay: float, response: bytes) -> None:
        self.delay = delay
        self.response = response
        self.buf = bytearray()
        self.transport: asyncio.Transport | None = None
        self.loop = asyncio.get_running_loop()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        self.buf += data
        while (end := self.buf.find(b"\r\n\r\n")) >= 0:
            del self.buf[: end + 4]
            self.loop.call_later(self.delay, self._answer)

    def _answer(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(self.response)


async def serve_upstream(port: int, delay: float) -> None:
    """Serve forever on 127.0.0.1:``port``: every request answered after ``delay`` seconds."""
    response = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\n\r\n%s" % (len(_UPSTREAM_BODY), _UPSTREAM_BODY)
    )
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: _Upstream(delay, response), "127.0.0.1", port, backlog=1024
    )
    async with server:
        await server.serve_forever()


# -- command line (the processes this module runs) ---------------------------------------


def _run(coro: Any) -> Any:
    try:
        import uvloop  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        return asyncio.run(coro)
    return uvloop.run(coro)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="bench HTTP helpers: load generator, upstream")
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("upstream", help="a slow JSON service on 127.0.0.1")
    up.add_argument("--port", type=int, required=True)
    up.add_argument("--delay", type=float, default=0.05, help="seconds before each answer")
    ld = sub.add_parser("load", help="hold N keep-alive connections, print JSON figures")
    ld.add_argument("--ports", required=True, help="comma-separated 127.0.0.1 ports")
    ld.add_argument("--spec", required=True, help="load()'s other arguments, a JSON object")
    args = parser.parse_args(argv)
    if args.command == "upstream":
        with contextlib.suppress(KeyboardInterrupt):
            _run(serve_upstream(args.port, args.delay))
        return 0
    targets = [("127.0.0.1", int(p)) for p in args.ports.split(",")]
    spec = json.loads(args.spec)
    result = _run(load(targets, **{**spec, "body": spec["body"].encode()}))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
