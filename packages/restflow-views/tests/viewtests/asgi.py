"""Drive Django's ASGI handler from a sync test (so the test transaction is shared).

The event loop runs in asgiref's thread; every ``sync_to_async(thread_sensitive=True)``
hop, the async ORM's included, comes back to the test's thread and its
connection. Nothing may touch the database on the loop itself: the tests run
without Django's async-unsafe escape hatch.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from asgiref.sync import async_to_sync
from django.core import signals
from django.core.handlers.asgi import ASGIHandler
from django.db import close_old_connections


@dataclass
class Result:
    status: int
    headers: dict[str, str]
    body: bytes
    json: Any = field(default=None)


async def _call(scope: dict[str, Any], body: bytes) -> list[dict[str, Any]]:
    pending = [{"type": "http.request", "body": body, "more_body": False}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if pending:
            return pending.pop(0)
        await asyncio.Event().wait()  # no disconnect: the handler cancels this when done
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await ASGIHandler()(scope, receive, send)
    return sent


def request(
    method: str,
    path: str,
    data: Any = None,
    query: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
) -> Result:
    """Send one request through ``ASGIHandler``; the JSON body is decoded when there is one.

    ``data`` is sent as JSON; ``body`` sends those bytes as they are (as JSON).
    """
    if body is None:
        body = b"" if data is None else json.dumps(data).encode()
    scope = _scope(method, path, body, query, headers)
    # as Django's test client does: keep the test transaction's connection open
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        sent = async_to_sync(_call)(scope, body)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    return _result(sent)


async def arequest(method: str, path: str, data: Any = None) -> Result:
    """:func:`request` from an async test: each request in its own ThreadSensitiveContext.

    Django's handler gives each request its sync thread (and connection), as
    under a real ASGI server; the test's transaction is not shared.
    """
    body = b"" if data is None else json.dumps(data).encode()
    return _result(await _call(_scope(method, path, body, None, None), body))


def _scope(
    method: str,
    path: str,
    body: bytes,
    query: dict[str, Any] | None,
    headers: dict[str, str] | None,
) -> dict[str, Any]:
    raw_headers = [(b"host", b"testserver")]
    if body:
        raw_headers.append((b"content-type", b"application/json"))
        raw_headers.append((b"content-length", str(len(body)).encode()))
    for name, value in (headers or {}).items():
        raw_headers.append((name.lower().encode(), value.encode()))
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method.upper(),
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": urlencode(query or {}, doseq=True).encode(),
        "root_path": "",
        "headers": raw_headers,
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }


def _result(sent: list[dict[str, Any]]) -> Result:
    start = next(message for message in sent if message["type"] == "http.response.start")
    content = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    result = Result(
        status=start["status"],
        headers={k.decode().lower(): v.decode() for k, v in start["headers"]},
        body=content,
    )
    if content and result.headers.get("content-type", "").startswith("application/json"):
        result.json = json.loads(content)
    return result
