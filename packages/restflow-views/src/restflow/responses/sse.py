"""``SSEResponse`` and ``ServerSentEvent``: a ``text/event-stream`` of server-sent events."""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass
from typing import Any

from restflow.responses._stream import StreamingResponse
from restflow.responses.json_list import encode_json

_FIELDS = frozenset({"data", "event", "id", "retry", "comment"})


def _single_line(value: str, name: str) -> str:
    if "\r" in value or "\n" in value:
        raise ValueError(f"ServerSentEvent.{name} must not contain CR or LF: {value!r}")
    return value


def _lines(text: str) -> list[str]:
    """``text`` split at CR, LF and CRLF only: the line ends of the event-stream format."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


@dataclass(frozen=True)
class ServerSentEvent:
    """One event. ``data`` that is not a ``str`` is JSON-encoded; ``comment`` alone is a ping.

    ``event``, ``id`` and ``retry`` must not contain CR or LF (``ValueError``).
    """

    data: Any = None
    event: str | None = None
    id: str | None = None
    retry: int | None = None
    comment: str | None = None

    def __post_init__(self) -> None:
        if self.event is not None:
            _single_line(self.event, "event")
        if self.id is not None:
            _single_line(self.id, "id")
        retry = self.retry
        if retry is not None and (
            isinstance(retry, bool) or not isinstance(retry, int) or retry < 0
        ):
            raise ValueError(f"ServerSentEvent.retry must be a non-negative int: {retry!r}")

    @classmethod
    def from_dict(cls, item: dict[str, Any]) -> ServerSentEvent:
        """The event a dict describes: its ``data``, ``event``, ``id``, ``retry`` and ``comment``.

        An integer ``id`` is sent as its digits; any other key is a ``ValueError``.
        """
        unknown = sorted(str(key) for key in item if key not in _FIELDS)
        if unknown:
            raise ValueError(
                f"An SSE event dict takes data, event, id, retry and comment; not {unknown}"
            )
        fields = dict(item)
        if isinstance(fields.get("id"), int) and not isinstance(fields["id"], bool):
            fields["id"] = str(fields["id"])
        return cls(**fields)

    def encode(self) -> bytes:
        """The event's wire form, ending with the blank line that dispatches it."""
        lines: list[str] = []
        if self.comment is not None:
            lines.extend(f": {line}" for line in _lines(self.comment))
        if self.event is not None:
            lines.append(f"event: {self.event}")
        if self.id is not None:
            lines.append(f"id: {self.id}")
        if self.retry is not None:
            lines.append(f"retry: {self.retry}")
        if self.data is not None:
            text = self.data if isinstance(self.data, str) else encode_json(self.data).decode()
            lines.extend(f"data: {line}" for line in _lines(text))
        return ("\n".join(lines) + "\n\n").encode()


_END = object()
_PING = ServerSentEvent(comment="keep-alive")


async def _with_keepalive(source: AsyncIterable[Any], seconds: float) -> AsyncIterator[Any]:
    """Yield ``source``'s items, and a keep-alive comment whenever it is idle ``seconds``."""
    iterator = aiter(source)

    async def step() -> Any:
        try:
            return await anext(iterator)
        except StopAsyncIteration:
            return _END

    pending: asyncio.Task[Any] | None = None
    try:
        while True:
            if pending is None:
                pending = asyncio.ensure_future(step())
            done, _ = await asyncio.wait({pending}, timeout=seconds)
            if not done:
                yield _PING
                continue
            item, pending = pending.result(), None
            if item is _END:
                return
            yield item
    finally:
        if pending is not None:
            pending.cancel()
            await asyncio.wait({pending})
        aclose = getattr(iterator, "aclose", None)
        if aclose is not None:
            await aclose()


class SSEResponse(StreamingResponse):
    """Server-sent events: each item is a ``ServerSentEvent``, a dict of its fields, or ``data``.

    ``{"event": "tick", "data": {"at": 1}}`` sends ``event: tick`` and
    ``data: {"at":1}``; any other item is the data of an unnamed event.

    Sends ``Cache-Control: no-cache`` and ``X-Accel-Buffering: no`` so proxies
    pass each event through at once. ``keepalive=<seconds>`` (async sources only)
    sends a ``: keep-alive`` comment whenever the source is idle that long.
    """

    media_type = "text/event-stream"

    def __init__(self, source: Any, *, keepalive: float | None = None, **kwargs: Any) -> None:
        if keepalive is not None:
            if (
                isinstance(keepalive, bool)
                or not isinstance(keepalive, (int, float))
                or not 0 < keepalive < math.inf
            ):
                raise ValueError(f"SSEResponse: keepalive must be positive seconds: {keepalive!r}")
            if not isinstance(source, AsyncIterable):
                raise TypeError("SSEResponse: keepalive needs an async iterable source")
            source = _with_keepalive(source, float(keepalive))
        super().__init__(source, **kwargs)
        self["Cache-Control"] = "no-cache"
        self["X-Accel-Buffering"] = "no"

    def render_item(self, item: Any, index: int) -> bytes:
        if isinstance(item, ServerSentEvent):
            return item.encode()
        if isinstance(item, dict):
            return ServerSentEvent.from_dict(item).encode()
        return ServerSentEvent(data=item).encode()
