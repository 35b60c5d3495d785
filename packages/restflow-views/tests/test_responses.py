"""Streaming responses: rendering, content types and SSE validation (no server needed)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from asgiref.sync import async_to_sync

from restflow.responses import (
    NDJSONResponse,
    ServerSentEvent,
    SSEResponse,
    StreamingJSONListResponse,
)


def _sync_items(items: list[Any], fail_at: int | None = None) -> Iterator[Any]:
    for i, item in enumerate(items):
        if i == fail_at:
            raise RuntimeError("boom")
        yield item


async def _async_items(items: list[Any], fail_at: int | None = None) -> AsyncIterator[Any]:
    for i, item in enumerate(items):
        if i == fail_at:
            raise RuntimeError("boom")
        yield item


def _body(response: Any) -> bytes:
    """Consume the response the way the ASGI handler does (async iteration)."""

    async def collect() -> bytes:
        return b"".join([chunk async for chunk in response])

    return async_to_sync(collect)()


SOURCES = {"sync": _sync_items, "async": _async_items}


class TestContentTypes:
    @pytest.mark.parametrize(
        ("cls", "media_type"),
        [
            (StreamingJSONListResponse, "application/json"),
            (NDJSONResponse, "application/x-ndjson"),
            (SSEResponse, "text/event-stream"),
        ],
    )
    def test_each_response_sends_its_media_type(self, cls: type, media_type: str) -> None:
        assert cls(iter([]))["Content-Type"] == media_type

    def test_sse_disables_caching_and_proxy_buffering(self) -> None:
        response = SSEResponse(iter([]))
        assert response["Cache-Control"] == "no-cache"
        assert response["X-Accel-Buffering"] == "no"

    def test_a_non_iterable_source_is_a_type_error_naming_the_class(self) -> None:
        with pytest.raises(TypeError, match="NDJSONResponse: source must be an iterable"):
            NDJSONResponse(42)  # type: ignore[arg-type]


@pytest.mark.parametrize("mode", ["sync", "async"])
class TestRendering:
    def test_json_list_is_one_valid_array(self, mode: str) -> None:
        items = [{"a": 1}, "é", None, [1, 2]]
        assert json.loads(_body(StreamingJSONListResponse(SOURCES[mode](items)))) == items

    def test_empty_json_list_is_an_empty_array(self, mode: str) -> None:
        assert _body(StreamingJSONListResponse(SOURCES[mode]([]))) == b"[]"

    def test_ndjson_is_one_document_per_line(self, mode: str) -> None:
        body = _body(NDJSONResponse(SOURCES[mode]([{"a": 1}, {"b": "x\ny"}])))
        assert body == b'{"a":1}\n{"b":"x\\ny"}\n'

    def test_sse_plain_items_become_data_events(self, mode: str) -> None:
        body = _body(SSEResponse(SOURCES[mode](["hi", [{"n": 1}]])))
        assert body == b'data: hi\n\ndata: [{"n":1}]\n\n'

    def test_failing_producer_truncates_the_json_list_and_logs(
        self, mode: str, caplog: pytest.LogCaptureFixture
    ) -> None:
        body = _body(StreamingJSONListResponse(SOURCES[mode]([1, 2, 3], fail_at=2)))
        assert body == b"[1,2"
        with pytest.raises(json.JSONDecodeError):
            json.loads(body)
        record = next(r for r in caplog.records if r.name == "restflow.responses")
        assert record.levelname == "ERROR"
        assert record.exc_info is not None and "boom" in str(record.exc_info[1])


class TestSyncIteration:
    def test_sync_source_iterates_under_wsgi(self) -> None:
        response = StreamingJSONListResponse(_sync_items([1, 2]))
        assert b"".join(response) == b"[1,2]"


class TestServerSentEvent:
    def test_all_fields_encode_in_wire_order(self) -> None:
        event = ServerSentEvent(data="a\nb", event="tick", id="7", retry=1500, comment="c")
        assert event.encode() == b": c\nevent: tick\nid: 7\nretry: 1500\ndata: a\ndata: b\n\n"

    def test_comment_alone_is_a_keep_alive(self) -> None:
        assert ServerSentEvent(comment="ping").encode() == b": ping\n\n"

    def test_non_string_data_is_json(self) -> None:
        assert ServerSentEvent(data={"k": [1]}).encode() == b'data: {"k":[1]}\n\n'

    @pytest.mark.parametrize("field", ["id", "event"])
    @pytest.mark.parametrize("bad", ["a\nb", "a\rb", "a\r\nb"])
    def test_cr_or_lf_in_single_line_fields_is_rejected(self, field: str, bad: str) -> None:
        with pytest.raises(ValueError, match=f"ServerSentEvent.{field} must not contain CR or LF"):
            ServerSentEvent(data="x", **{field: bad})

    @pytest.mark.parametrize("bad", [-1, "10\n", True, 1.5])
    def test_retry_must_be_a_non_negative_int(self, bad: Any) -> None:
        with pytest.raises(ValueError, match="retry must be a non-negative int"):
            ServerSentEvent(data="x", retry=bad)


class TestKeepAlive:
    def test_idle_source_gets_keep_alive_comments_between_events(self) -> None:
        async def stream() -> bytes:
            kept_alive = asyncio.Event()

            async def idle_until_kept_alive() -> AsyncIterator[Any]:
                yield "a"
                await kept_alive.wait()  # nothing to send until the stream kept itself alive
                yield "b"

            chunks = []
            async for chunk in SSEResponse(idle_until_kept_alive(), keepalive=0.01):
                chunks.append(chunk)
                if chunk == b": keep-alive\n\n":
                    kept_alive.set()
            return b"".join(chunks)

        body = async_to_sync(stream)()
        assert body.startswith(b"data: a\n\n: keep-alive\n\n")
        assert body.endswith(b": keep-alive\n\ndata: b\n\n")

    def test_busy_source_gets_no_keep_alive(self) -> None:
        body = _body(SSEResponse(_async_items(["a", "b"]), keepalive=5))
        assert body == b"data: a\n\ndata: b\n\n"

    def test_keep_alive_closes_the_source_when_the_stream_is_closed(self) -> None:
        closed: list[bool] = []

        async def endless() -> AsyncIterator[Any]:
            try:
                await asyncio.Event().wait()  # idle for ever
                yield "never"
            finally:
                closed.append(True)

        async def read_two_pings() -> bytes:
            stream = SSEResponse(endless(), keepalive=0.05).streaming_content
            first = await anext(stream)  # type: ignore[call-overload]
            second = await anext(stream)  # type: ignore[call-overload]
            await stream.aclose()  # type: ignore[union-attr]
            return first + second

        assert async_to_sync(read_two_pings)() == b": keep-alive\n\n" * 2
        assert closed == [True]

    def test_failure_after_keep_alive_is_logged_and_ends_the_stream(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        body = _body(SSEResponse(_async_items(["a", "b"], fail_at=1), keepalive=5))
        assert body == b"data: a\n\n"
        assert any(r.name == "restflow.responses" for r in caplog.records)

    @pytest.mark.parametrize("bad", [0, -1, "5", True, float("inf")])
    def test_bad_keepalive_is_rejected(self, bad: Any) -> None:
        with pytest.raises(ValueError, match="keepalive must be positive seconds"):
            SSEResponse(_async_items([]), keepalive=bad)

    def test_keepalive_on_a_sync_source_is_a_type_error(self) -> None:
        with pytest.raises(TypeError, match="keepalive needs an async iterable source"):
            SSEResponse(iter([]), keepalive=1)
