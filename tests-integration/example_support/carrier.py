"""A shipping carrier for the example's quote service to call, over real HTTP.

:func:`serve_carrier` serves it with ``http.server`` on a free loopback port, in a
thread of the test process; the example (a uvicorn subprocess) is pointed at it with
``RESTFLOW_EXAMPLE_CARRIER_URL``. It speaks the carrier API of
``docs/example/catalog/carrier.py`` (``GET /quote/?country=FR&items=3``) and answers
as the test says, for the length of a ``with carrier.answering(mode):`` block:

- ``OK``: 200 and :data:`QUOTE` (the default);
- ``FAIL``: 500;
- ``NONSENSE``: 200 and JSON that is not a quote;
- ``HOLD``: no answer until the block ends (a carrier slower than any timeout,
  without a sleep: the handler waits on an event).

Every request is recorded in ``requests`` before it is answered.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

OK, FAIL, NONSENSE, HOLD = "ok", "fail", "nonsense", "hold"
QUOTE = {"carrier": "Test Carrier", "price": "9.75", "currency": "EUR", "days": 3}
HOLD_LIMIT = 60.0  # seconds a held request waits at most if a test never ends its block


@dataclass
class Received:
    """One request the carrier got: its path and its query."""

    path: str
    query: dict[str, list[str]]


@dataclass
class FakeCarrier:
    """The carrier's address, how it answers now, and what it was asked."""

    url: str
    mode: str = OK
    requests: list[Received] = field(default_factory=list)
    released: threading.Event = field(default_factory=threading.Event)

    @contextmanager
    def answering(self, mode: str) -> Iterator[FakeCarrier]:
        """Answer in ``mode`` within the block; afterwards ``OK``, held requests released."""
        self.released.clear()
        self.mode = mode
        try:
            yield self
        finally:
            self.mode = OK
            self.released.set()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    carrier: FakeCarrier


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        carrier = self.server.carrier
        parts = urlsplit(self.path)
        carrier.requests.append(Received(parts.path, parse_qs(parts.query)))
        mode = carrier.mode
        if mode == HOLD:
            carrier.released.wait(HOLD_LIMIT)
        status, body = {
            FAIL: (500, {"error": "the carrier is down"}),
            NONSENSE: (200, ["not", "a", "quote"]),
        }.get(mode, (200, QUOTE))
        payload = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except OSError:  # the example gave up waiting (its timeout) and hung up
            pass

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the tests assert on ``requests``."""


@contextmanager
def serve_carrier() -> Iterator[FakeCarrier]:
    """Serve a :class:`FakeCarrier` on a free loopback port; stop it afterwards."""
    server = _Server(("127.0.0.1", 0), _Handler)
    carrier = server.carrier = FakeCarrier(f"http://127.0.0.1:{server.server_port}/quote/")
    thread = threading.Thread(target=server.serve_forever, name="fake-carrier", daemon=True)
    thread.start()
    try:
        yield carrier
    finally:
        carrier.released.set()
        server.shutdown()
        server.server_close()
        thread.join(10)
