"""Streaming responses as the seeds document them (issue 19, items 1-2), sync and async sources.

``SSEResponse`` over plain dicts (``{"event": ..., "data": ...}``) and the JSON
encoding of every streaming response, which matches DRF's ``JSONRenderer`` but for
``Decimal`` (a string while ``COERCE_DECIMAL_TO_STRING`` is on, as a serializer's
``DecimalField`` gives it).
"""

from __future__ import annotations

import datetime
import json
import uuid
from collections.abc import AsyncIterator, Iterator
from decimal import Decimal
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.test import override_settings
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList

from restflow.responses import NDJSONResponse, SSEResponse, StreamingJSONListResponse


def _sync(items: list[Any]) -> Iterator[Any]:
    yield from items


async def _async(items: list[Any]) -> AsyncIterator[Any]:
    for item in items:
        yield item


SOURCES = {"sync": _sync, "async": _async}


def body(response: Any) -> bytes:
    async def collect() -> bytes:
        return b"".join([chunk async for chunk in response])

    return async_to_sync(collect)()


# -- 1. SSE over plain dicts ----------------------------------------------------------


@pytest.mark.parametrize("mode", SOURCES)
class TestEventDicts:
    def test_the_seed_example_emits_event_and_json_data(self, mode: str) -> None:
        items = [{"event": "tick", "data": {"at": tick}} for tick in (1, 2)]
        assert body(SSEResponse(SOURCES[mode](items))) == (
            b'event: tick\ndata: {"at":1}\n\nevent: tick\ndata: {"at":2}\n\n'
        )

    def test_every_field_comes_from_its_key(self, mode: str) -> None:
        item = {"data": "hello", "event": "greeting", "id": "42", "retry": 3000}
        assert body(SSEResponse(SOURCES[mode]([item]))) == (
            b"event: greeting\nid: 42\nretry: 3000\ndata: hello\n\n"
        )

    def test_an_integer_id_is_sent_as_its_digits(self, mode: str) -> None:
        assert body(SSEResponse(SOURCES[mode]([{"id": 7, "data": "x"}]))) == b"id: 7\ndata: x\n\n"

    def test_string_data_is_sent_as_is(self, mode: str) -> None:
        assert body(SSEResponse(SOURCES[mode]([{"data": '{"not": "re-encoded"}'}]))) == (
            b'data: {"not": "re-encoded"}\n\n'
        )

    @pytest.mark.parametrize("text", ["a\nb\nc", "a\rb\rc", "a\r\nb\r\nc", "a\r\nb\nc"])
    def test_multi_line_data_is_one_data_line_per_line(self, mode: str, text: str) -> None:
        assert body(SSEResponse(SOURCES[mode]([{"data": text}]))) == (
            b"data: a\ndata: b\ndata: c\n\n"
        )

    def test_only_cr_and_lf_split_data(self, mode: str) -> None:
        text = "a\x0bb\x0cc\u2028d\x1ce"  # line breaks to str.splitlines, not to SSE
        assert body(SSEResponse(SOURCES[mode]([{"data": text}]))) == (f"data: {text}\n\n".encode())


@pytest.mark.parametrize("field", ["event", "id"])
@pytest.mark.parametrize("bad", ["a\nb", "a\rb", "a\r\nb"])
def test_cr_or_lf_in_event_or_id_is_a_value_error(field: str, bad: str) -> None:
    with pytest.raises(ValueError, match=f"{field} must not contain CR or LF"):
        body(SSEResponse(iter([{field: bad, "data": "x"}])))


@pytest.mark.parametrize("bad", [-1, "10", True, 1.5])
def test_a_retry_that_is_not_a_non_negative_integer_is_a_value_error(bad: Any) -> None:
    with pytest.raises(ValueError, match="retry must be a non-negative int"):
        body(SSEResponse(iter([{"retry": bad, "data": "x"}])))


def test_a_key_that_is_not_an_event_field_is_a_value_error_naming_it() -> None:
    with pytest.raises(ValueError, match="'at'"):
        body(SSEResponse(iter([{"at": 1}])))


# -- 2. JSON as DRF's JSONRenderer writes it ---------------------------------------------

VALUES = {
    "when": datetime.datetime(2026, 12, 6, 21, 30, tzinfo=datetime.UTC),
    "day": datetime.date(2026, 12, 6),
    "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "label": gettext_lazy("Price"),
    "rows": ReturnList([ReturnDict({"n": 1}, serializer=None)], serializer=None),
    "text": "line\u2028separator",
}


def renderer_bytes(item: Any) -> bytes:
    return JSONRenderer().render(item)


@pytest.mark.parametrize("mode", SOURCES)
class TestEncoding:
    def test_ndjson_lines_are_what_the_renderer_gives(self, mode: str) -> None:
        assert body(NDJSONResponse(SOURCES[mode]([VALUES]))) == renderer_bytes(VALUES) + b"\n"

    def test_json_list_items_are_what_the_renderer_gives(self, mode: str) -> None:
        assert body(StreamingJSONListResponse(SOURCES[mode]([VALUES, None]))) == (
            b"[" + renderer_bytes(VALUES) + b",null]"
        )

    def test_sse_data_is_what_the_renderer_gives(self, mode: str) -> None:
        assert body(SSEResponse(SOURCES[mode]([{"data": VALUES}]))) == (
            b"data: " + renderer_bytes(VALUES) + b"\n\n"
        )

    def test_a_decimal_is_a_string_while_coerce_decimal_to_string_is_on(self, mode: str) -> None:
        item = {"price": Decimal("19.90"), "big": Decimal("1E+2")}
        assert json.loads(body(NDJSONResponse(SOURCES[mode]([item])))) == {
            "price": "19.90",
            "big": "100",
        }

    def test_a_decimal_is_a_number_when_coerce_decimal_to_string_is_off(self, mode: str) -> None:
        with override_settings(REST_FRAMEWORK={"COERCE_DECIMAL_TO_STRING": False}):
            response = NDJSONResponse(SOURCES[mode]([{"price": Decimal("19.90")}]))
            assert body(response) == b'{"price":19.9}\n'
