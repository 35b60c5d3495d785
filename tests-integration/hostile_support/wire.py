"""HTTP/1.1 written by hand over asyncio sockets, and the replies parsed.

A hostile client sends what no HTTP library would: invalid UTF-8 in the request line,
two ``Host`` headers, a ``Content-Length`` longer than the body. ``request()`` builds the
bytes of a request (``Connection: close``, so a reply ends with the connection);
``exchange()`` sends bytes from a chosen loopback source address (each test its own
client address: ``127.1.x.y``, never ``127.0.0.1``, which uvicorn trusts as a proxy) and
parses what comes back.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterable
from typing import Any

from example_support import server

Headers = Iterable[tuple[str, str | bytes]]

READ_SECONDS = 60.0  # the longest a reply may take
_sources = itertools.count()


def next_source() -> str:
    """A loopback address no other caller got in this session (``127.1.0.2`` on)."""
    n = next(_sources)
    return f"127.{1 + n // 62500}.{n // 250 % 250}.{n % 250 + 2}"


class Reply(server.Reply):
    """One answer: status, lower-cased headers (repeated ones joined), raw body.

    ``error_code`` reads restflow's envelope; ``str()`` is a short description for asserts.
    """

    @property
    def error_code(self) -> str | None:
        """``error.code`` when the body is restflow's JSON envelope, else ``None``."""
        if not self.headers.get("content-type", "").startswith("application/json"):
            return None
        try:
            body = self.json()
        except ValueError:
            return None
        error = body.get("error") if isinstance(body, dict) else None
        if not isinstance(error, dict) or set(error) != {"code", "message", "details"}:
            return None
        code = error["code"]
        return code if isinstance(code, str) else None

    def __str__(self) -> str:
        return f"{self.status} {self.headers.get('content-type', '-')} {self.body[:300]!r}"


def request(
    method: str,
    path: str | bytes,
    headers: Headers = (),
    body: bytes = b"",
    *,
    host: str = "localhost",
) -> bytes:
    """The bytes of one request; ``Host`` and ``Content-Length`` added unless given."""
    given = list(headers)
    names = {name.lower() for name, _ in given}
    lines = [_b(method) + b" " + _b(path) + b" HTTP/1.1"]
    if "host" not in names:
        lines.append(b"Host: " + _b(host))
    lines += [_b(name) + b": " + _b(value) for name, value in given]
    if body and not names & {"content-length", "transfer-encoding"}:
        lines.append(b"Content-Length: %d" % len(body))
    lines.append(b"Connection: close")
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def chunked(*pieces: bytes) -> bytes:
    """``pieces`` in the chunked transfer coding, with the last (empty) chunk."""
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces if p) + b"0\r\n\r\n"


async def exchange(
    port: int, data: bytes, *, source: str, half_close: bool = False
) -> Reply | None:
    """Send ``data`` to ``127.0.0.1:port`` from ``source``; the reply, or ``None`` if there is none.

    ``half_close`` ends the sending side after ``data`` (a client that stops mid-body).
    The server may answer before reading all of a large body and close: the reply read
    so far is returned.
    """
    reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(source, 0))
    try:
        try:
            writer.write(data)
            await writer.drain()
            if half_close:
                writer.write_eof()
        except ConnectionError:
            pass  # answered and closed before the body was all sent: read the answer
        async with asyncio.timeout(READ_SECONDS):
            raw = await _read_all(reader)
    finally:
        writer.close()
    return parse(raw) if raw else None


def send(port: int, data: bytes, *, source: str, **kwargs: Any) -> Reply | None:
    """Blocking :func:`exchange`."""
    return asyncio.run(exchange(port, data, source=source, **kwargs))


async def _read_all(reader: asyncio.StreamReader) -> bytes:
    chunks = []
    try:
        while chunk := await reader.read(1 << 16):
            chunks.append(chunk)
    except ConnectionError:
        pass
    return b"".join(chunks)


def parse(raw: bytes) -> Reply:
    """Parse one HTTP/1.1 response (``Content-Length``, chunked, or up to the close)."""
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers: dict[str, str] = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        key = name.strip().lower()
        headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = _dechunk(body)
    elif "content-length" in headers:
        body = body[: int(headers["content-length"])]
    return Reply(int(status_line.split()[1]), headers, body)


def _dechunk(data: bytes) -> bytes:
    out = []
    while data:
        size_line, _, rest = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out.append(rest[:size])
        data = rest[size + 2 :]
    return b"".join(out)


def _b(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode("latin-1")
