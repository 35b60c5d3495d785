"""restflow.parsers: a too deeply nested JSON body is a 400 ``parse_error``, never a 500.

DRF's ``JSONParser`` lets ``json``'s ``RecursionError`` escape (a 500 on every
POST/PUT/PATCH, before authentication matters); bodies a little shallower parse
and overflow the stack later. Both paths: a plain DRF view naming restflow's
parser, and core's ``AsyncAPIView`` with DRF's default parsers (substituted).
"""

from __future__ import annotations

import bz2
import io
import json
import logging
import random
from typing import Any

import pytest
from django.http import HttpResponse
from rest_framework import parsers as drf_parsers
from rest_framework.exceptions import ParseError
from rest_framework.views import APIView

from coretests.both_paths import PATHS, send
from coretests.views_hostile import AsyncEcho
from restflow.parsers import JSONParser, ParsersMixin

pytestmark = pytest.mark.urls("coretests.urls_hostile")

LIMIT = JSONParser.max_depth


def nested_list(depth: int) -> str:
    return "[" * depth + "]" * depth


def nested_object(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


def post_json(path: str, url: str, body: str) -> HttpResponse:
    return send(path, "post", url, data=body, content_type="application/json")


def assert_too_deep(response: HttpResponse) -> None:
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error["details"]) == ("parse_error", None)
    assert "nested too deeply" in error["message"]


# -- through views, both paths -------------------------------------------------


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("nest", [nested_list, nested_object])
@pytest.mark.parametrize("depth", [1_000, 2_000, 100_000])
def test_a_deeply_nested_body_is_a_400_parse_error(
    caplog: pytest.LogCaptureFixture, path: str, nest: Any, depth: int
) -> None:
    with caplog.at_level(logging.INFO):
        assert_too_deep(post_json(path, "/echo/", nest(depth)))
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("nest", [nested_list, nested_object])
def test_a_body_at_the_limit_is_echoed_and_one_level_more_is_refused(path: str, nest: Any) -> None:
    body = nest(LIMIT)
    response = post_json(path, "/echo/", body)
    assert response.status_code == 200
    assert response.json() == json.loads(body)
    assert_too_deep(post_json(path, "/echo/", nest(LIMIT + 1)))


@pytest.mark.parametrize("path", PATHS)
def test_a_body_at_the_limit_survives_validation_error_walking(path: str) -> None:
    body = nested_list(LIMIT)
    response = post_json(path, "/reject/", body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert response.json()["error"]["details"] == {"payload": json.loads(body)}


@pytest.mark.parametrize("path", PATHS)
def test_brackets_inside_strings_do_not_count(path: str) -> None:
    body = json.dumps({"text": "[" * 5_000 + "{" * 5_000})
    response = post_json(path, "/echo/", body)
    assert (response.status_code, response.json()) == (200, json.loads(body))


@pytest.mark.parametrize("path", PATHS)
def test_a_wide_shallow_body_with_many_brackets_is_accepted(path: str) -> None:
    body = json.dumps([{"id": i, "tags": [i, {"n": [i]}]} for i in range(2_000)])
    response = post_json(path, "/echo/", body)
    assert (response.status_code, response.json()) == (200, json.loads(body))


@pytest.mark.parametrize("path", PATHS)
def test_malformed_json_keeps_drfs_parse_error(path: str) -> None:
    response = post_json(path, "/echo/", "{not json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"
    assert response.json()["error"]["message"].startswith("JSON parse error - Expecting")


# -- the parser itself ---------------------------------------------------------


def parse(body: bytes, parser: JSONParser | None = None, encoding: str = "utf-8") -> Any:
    context = {"encoding": encoding}
    return (parser or JSONParser()).parse(io.BytesIO(body), "application/json", context)


def test_max_depth_is_a_class_attribute_a_subclass_changes() -> None:
    class Shallow(JSONParser):
        max_depth = 3

    assert parse(b'[{"a": [1]}]', Shallow()) == [{"a": [1]}]
    assert parse(b"7", Shallow()) == 7
    with pytest.raises(ParseError, match=r"nested too deeply \(the limit is 3 levels\)"):
        parse(b'[{"a": [[1]]}]', Shallow())


# string pieces that could fool a byte-level measure: quotes, escapes, brackets, non-ASCII
PIECES = ['"', "\\", "[", "]", "{", "}", '\\"', "\\\\", "é", "\u2028", "\x00", "x", " "]


def random_value(rng: random.Random, room: int) -> Any:
    """A random JSON value nested at most ``room`` deep; containers usually hold a container."""
    if room and rng.random() < 0.85:
        items = [random_value(rng, room - 1) for _ in range(rng.randint(1, 2))]
        if rng.random() < 0.1:
            items = []
        if rng.random() < 0.5:
            return items
        return {"".join(rng.choices(PIECES, k=3)) + str(i): item for i, item in enumerate(items)}
    kind = rng.choice(["str", "str", "number", "literal"])
    if kind == "str":
        return "".join(rng.choices(PIECES, k=rng.randint(0, 6)))
    return rng.choice([0, -1.5e300, True, False, None]) if kind == "literal" else rng.random()


def depth_of(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max(map(depth_of, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(depth_of, value), default=0)
    return 0


@pytest.mark.parametrize("seed", range(40))
def test_the_measured_depth_is_the_documents_depth(seed: int) -> None:
    rng = random.Random(seed)
    value = random_value(rng, rng.randint(1, 25))
    depth = depth_of(value)
    encoding = rng.choice(["utf-8", "utf-16"])
    body = json.dumps(value, ensure_ascii=rng.random() < 0.5).encode(encoding)

    class AtTheDepth(JSONParser):
        max_depth = depth

    class OneLess(JSONParser):
        max_depth = depth - 1

    assert parse(body, AtTheDepth(), encoding) == value
    if depth:
        with pytest.raises(ParseError, match="nested too deeply"):
            parse(body, OneLess(), encoding)


def test_the_recursion_error_of_a_very_deep_body_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="nested too deeply"):
        parse(nested_list(100_000).encode())


def test_a_body_in_a_charset_that_hides_brackets_is_still_measured() -> None:
    # In EBCDIC (cp500) "[" is not the byte 0x5B: counting bytes would say "shallow".
    body = nested_list(LIMIT + 1).encode("cp500")
    assert b"[" not in body
    with pytest.raises(ParseError, match="nested too deeply"):
        parse(body, encoding="cp500")
    assert parse(nested_list(LIMIT).encode("cp500"), encoding="cp500") is not None


def test_a_charset_that_is_not_a_text_encoding_is_refused_before_decoding() -> None:
    body = bz2.compress(b"[" + b"0," * 100_000 + b"0]")
    with pytest.raises(ParseError, match="'bz2_codec' is not a text encoding"):
        parse(body, encoding="bz2_codec")


def test_an_empty_body_is_drfs_parse_error() -> None:
    with pytest.raises(ParseError, match="JSON parse error"):
        parse(b"")


# -- which views use it --------------------------------------------------------


def test_async_api_view_replaces_drfs_json_parser() -> None:
    assert [type(p) for p in AsyncEcho().get_parsers()] == [
        JSONParser,
        drf_parsers.FormParser,
        drf_parsers.MultiPartParser,
    ]


def test_a_projects_own_json_parser_subclass_is_kept() -> None:
    class OwnParser(drf_parsers.JSONParser):
        pass

    class OwnParserView(AsyncEcho):
        parser_classes = [OwnParser]

    assert [type(p) for p in OwnParserView().get_parsers()] == [OwnParser]


def test_drfs_own_views_are_left_alone_unless_given_the_mixin() -> None:
    class Plain(APIView):
        parser_classes = [drf_parsers.JSONParser]

    class Mixed(ParsersMixin, Plain):
        pass

    assert [type(p) for p in Plain().get_parsers()] == [drf_parsers.JSONParser]
    assert [type(p) for p in Mixed().get_parsers()] == [JSONParser]
