"""The bench's load generator and slow upstream: the processes ``_http.py`` starts.

* ``python _loadgen.py load --ports P,Q --spec JSON`` holds keep-alive connections on
  127.0.0.1 (raw asyncio sockets, a ``Protocol`` per connection, HTTP/1.1, one request in
  flight per connection, the connections split evenly between the ports), runs a warm-up,
  then a fixed measured window, and prints its figures as JSON: requests/second, latency
  percentiles, its own CPU per request. ``_http.run_load`` runs it; ``load`` is the same
  in this process.
* ``python _loadgen.py upstream --port P --delay S`` answers every request after ``S``
  seconds (``asyncio`` timers, no thread) with a small JSON body: the "outbound service"
  of the I/O-bound bench.

Both use uvloop when it is installed, asyncio otherwise. Standard library only.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import json
import sys
import time
from collections.abc import Sequence
from typing import Any, cast

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
    parser = argparse.ArgumentParser(description="the bench's load generator and slow upstream")
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
