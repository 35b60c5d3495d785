"""The streaming base: feed a sync or async iterable to Django item by item, never buffered."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from typing import Any

from asgiref.sync import sync_to_async
from django.http import StreamingHttpResponse

logger = logging.getLogger("restflow.responses")

_DONE = object()


def _next_or_done(iterator: Iterator[Any]) -> Any:
    return next(iterator, _DONE)


class StreamingResponse(StreamingHttpResponse):
    """Base of the restflow streaming responses: renders each produced item as it comes.

    ``source`` may be a sync or an async iterable. A sync source served over ASGI is
    advanced one item at a time in a worker thread (Django would otherwise consume it
    whole first). When the client disconnects the source is closed, so its ``finally``
    runs; when the source raises, the error is logged on ``restflow.responses`` and the
    stream ends without its closing part (a JSON list stays visibly truncated).
    """

    media_type = "application/octet-stream"

    def __init__(self, source: Iterable[Any] | AsyncIterable[Any], **kwargs: Any) -> None:
        kwargs.setdefault("content_type", self.media_type)
        if not isinstance(source, (Iterable, AsyncIterable)):
            raise TypeError(
                f"{type(self).__name__}: source must be an iterable or an async iterable, "
                f"not {type(source).__name__}"
            )
        self._source = source
        is_async = isinstance(source, AsyncIterable)
        super().__init__(self._aproduce() if is_async else self._produce(), **kwargs)

    # -- rendering, overridden by subclasses (I/O-free, shared by both paths) --
    def render_start(self) -> bytes:
        """Bytes sent before the first item."""
        return b""

    def render_item(self, item: Any, index: int) -> bytes:
        """Bytes for one item (``index`` counts from 0)."""
        raise NotImplementedError

    def render_end(self) -> bytes:
        """Bytes sent after the last item (not sent when the producer fails)."""
        return b""

    def _log_failure(self) -> None:
        logger.exception("%s: producer raised mid-stream; stream truncated", type(self).__name__)

    # -- the two drivers --
    def _produce(self) -> Iterator[bytes]:
        iterator = iter(self._source)  # type: ignore[arg-type]
        try:
            start = self.render_start()
            if start:
                yield start
            index = 0
            while True:
                try:
                    item = next(iterator, _DONE)
                except Exception:
                    self._log_failure()
                    return
                if item is _DONE:
                    break
                yield self.render_item(item, index)
                index += 1
            end = self.render_end()
            if end:
                yield end
        finally:
            close = getattr(iterator, "close", None)
            if close is not None:
                close()

    async def _aproduce(self) -> AsyncIterator[bytes]:
        iterator = aiter(self._source)  # type: ignore[arg-type]
        try:
            start = self.render_start()
            if start:
                yield start
            index = 0
            while True:
                try:
                    item = await anext(iterator)
                except StopAsyncIteration:
                    break
                except Exception:
                    self._log_failure()
                    return
                yield self.render_item(item, index)
                index += 1
            end = self.render_end()
            if end:
                yield end
        finally:
            aclose = getattr(iterator, "aclose", None)
            if aclose is not None:
                await aclose()

    async def _athreaded(self) -> AsyncIterator[bytes]:
        # a sync source under ASGI: one thread hop per item instead of Django's list()
        iterator = iter(self._source)  # type: ignore[arg-type]
        step = sync_to_async(_next_or_done, thread_sensitive=False)
        pending: asyncio.Future[Any] | None = None
        try:
            start = self.render_start()
            if start:
                yield start
            index = 0
            while True:
                pending = asyncio.ensure_future(step(iterator))
                try:
                    # shielded: a disconnect must not abandon the thread mid-``next``
                    item = await asyncio.shield(pending)
                except Exception:
                    self._log_failure()
                    return
                pending = None
                if item is _DONE:
                    break
                yield self.render_item(item, index)
                index += 1
            end = self.render_end()
            if end:
                yield end
        finally:
            if pending is not None:
                # let the in-flight ``next`` finish before closing the generator
                await asyncio.wait([pending])
                if not pending.cancelled():
                    pending.exception()  # retrieved: a late failure is moot after a disconnect
            close = getattr(iterator, "close", None)
            if close is not None:
                await sync_to_async(close, thread_sensitive=False)()

    def __aiter__(self) -> AsyncIterator[bytes]:
        if self.is_async:
            return super().__aiter__()
        return self._athreaded()
