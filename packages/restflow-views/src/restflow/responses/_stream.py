"""The streaming base: feed a sync or async iterable to Django item by item, never buffered."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Iterable, Iterator
from typing import Any

from asgiref.sync import sync_to_async
from django.http import StreamingHttpResponse

logger = logging.getLogger("restflow.responses")

_DONE = object()


def _next_or_done(iterator: Iterator[Any]) -> Any:
    return next(iterator, _DONE)


class _Frames:
    """The framing of one stream, I/O-free: what goes before, for and after the items.

    The drivers feed it the items their source gives (:meth:`items` and
    :meth:`aitems` stop at the first error, which is logged, and then no
    closing part is sent).
    """

    __slots__ = ("failed", "index", "response")

    def __init__(self, response: StreamingResponse) -> None:
        self.response = response
        self.index = 0
        self.failed = False

    def head(self) -> list[bytes]:
        start = self.response.render_start()
        return [start] if start else []

    def body(self, item: Any) -> bytes:
        chunk = self.response.render_item(item, self.index)
        self.index += 1
        return chunk

    def tail(self) -> list[bytes]:
        end = b"" if self.failed else self.response.render_end()
        return [end] if end else []

    def _fail(self) -> None:
        self.failed = True
        self.response._log_failure()

    def items(self, iterator: Iterator[Any]) -> Iterator[Any]:
        """The source's items until it ends or fails."""
        while True:
            try:
                item = next(iterator, _DONE)
            except Exception:
                self._fail()
                return
            if item is _DONE:
                return
            yield item

    async def aitems(self, iterator: AsyncIterator[Any]) -> AsyncGenerator[Any, None]:
        """Async twin of :meth:`items`."""
        try:
            async for item in iterator:
                yield item
        except Exception:
            self._fail()


async def _in_threads(source: Iterable[Any]) -> AsyncIterator[Any]:
    """A sync iterable's items under ASGI: one thread hop per item (Django would list() it)."""
    iterator = iter(source)
    step = sync_to_async(_next_or_done, thread_sensitive=False)
    pending: asyncio.Future[Any] | None = None
    try:
        while True:
            pending = asyncio.ensure_future(step(iterator))
            # shielded: a disconnect must not abandon the thread mid-``next``
            item = await asyncio.shield(pending)
            pending = None
            if item is _DONE:
                return
            yield item
    finally:
        if pending is not None:
            # let the in-flight ``next`` finish before closing the generator
            await asyncio.wait([pending])
            if not pending.cancelled():
                pending.exception()  # retrieved: a late failure is moot after a disconnect
        close = getattr(iterator, "close", None)
        if close is not None:
            await sync_to_async(close, thread_sensitive=False)()


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

    # -- the two drivers: the source is closed whatever happens --
    def _produce(self) -> Iterator[bytes]:
        frames, iterator = _Frames(self), iter(self._source)  # type: ignore[arg-type]
        try:
            yield from frames.head()
            for item in frames.items(iterator):
                yield frames.body(item)
            yield from frames.tail()
        finally:
            close = getattr(iterator, "close", None)
            if close is not None:
                close()

    async def _aproduce(self, iterator: AsyncIterator[Any] | None = None) -> AsyncIterator[bytes]:
        frames = _Frames(self)
        if iterator is None:
            iterator = aiter(self._source)  # type: ignore[arg-type]
        items = frames.aitems(iterator)
        try:
            for chunk in frames.head():
                yield chunk
            async for item in items:
                yield frames.body(item)
            for chunk in frames.tail():
                yield chunk
        finally:
            await items.aclose()
            aclose = getattr(iterator, "aclose", None)
            if aclose is not None:
                await aclose()

    def __aiter__(self) -> AsyncIterator[bytes]:
        if self.is_async:
            return super().__aiter__()
        return self._aproduce(_in_threads(self._source))  # type: ignore[arg-type]
