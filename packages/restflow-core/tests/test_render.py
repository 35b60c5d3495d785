"""The RENDER fast path: JSON rendering on the loop gives exactly what DRF's ``Response.render()`` gives."""

from __future__ import annotations

import decimal
import uuid
from typing import Any

import pytest
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.utils import encoders

from restflow.core import _fastpaths as _render
from restflow.core._fastpaths import render_json


def _finalized(
    data: Any,
    *,
    renderer: JSONRenderer | None = None,
    media_type: str = "application/json",
    context: dict[str, Any] | None = None,
    response_class: type[Response] = Response,
    **kwargs: Any,
) -> Response:
    response = response_class(data, **kwargs)
    response.accepted_renderer = renderer or JSONRenderer()
    response.accepted_media_type = media_type
    response.renderer_context = {} if context is None else dict(context)
    return response


def _both(**options: Any) -> tuple[Response, Response]:
    """The same response rendered by restflow's fast path and by DRF."""
    data = options.pop("data")
    ours = _finalized(data, **options)
    assert render_json(ours), "the fast path should have applied"
    theirs = _finalized(data, **options)
    theirs.render()
    return ours, theirs


def _same(ours: Response, theirs: Response) -> None:
    assert ours.content == theirs.content
    assert dict(ours.headers.items()) == dict(theirs.headers.items())
    assert ours.is_rendered and theirs.is_rendered
    assert ours.renderer_context["response"] is ours  # DRF puts the response in the context


PAYLOADS = [
    {"ok": True},
    [1, 2.5, None, "x"],
    {"nested": {"list": [{"a": 1}]}, "text": "naïve ☃"},
    {"line": "a\u2028b\u2029c"},  # JS line separators are always escaped
    {"decimal": decimal.Decimal("1.10"), "uuid": uuid.UUID(int=7)},  # DRF's encoder
    "",
    0,
]


@pytest.mark.parametrize("data", PAYLOADS, ids=range(len(PAYLOADS)))
def test_payloads_render_byte_for_byte_like_drf(data: Any) -> None:
    _same(*_both(data=data))


@pytest.mark.parametrize(
    "media_type",
    [
        "application/json",
        "application/json; indent=4",
        "application/json; indent=0",  # DRF: 0 means no indent, context not consulted
        "application/json; indent=20",  # clamped to 8
        "application/json; indent=abc",  # ignored
        "application/json; charset=utf-8",
    ],
)
@pytest.mark.parametrize("context_indent", [None, 2])
def test_indent_from_media_type_and_context_like_drf(
    media_type: str, context_indent: int | None
) -> None:
    context = {} if context_indent is None else {"indent": context_indent}
    _same(*_both(data={"a": [1, 2]}, media_type=media_type, context=context))


def test_none_data_renders_empty_without_content_type_like_drf() -> None:
    ours, theirs = _both(data=None)
    _same(ours, theirs)
    assert ours.content == b""
    assert "Content-Type" not in ours.headers


def test_explicit_content_type_is_kept_like_drf() -> None:
    _same(*_both(data={"a": 1}, content_type="application/vnd.api+json"))


def test_renderer_settings_compact_strict_and_ascii_are_honoured() -> None:
    class Loose(JSONRenderer):
        compact = False
        ensure_ascii = True
        strict = False

    _same(*_both(data={"x": "é", "n": float("nan")}, renderer=Loose()))

    class Strict(JSONRenderer):
        strict = True

    with pytest.raises(ValueError, match="JSON compliant"):
        render_json(_finalized({"n": float("nan")}, renderer=Strict()))


def test_renderer_with_a_charset_sets_it_in_the_content_type() -> None:
    class Charset(JSONRenderer):
        charset = "utf-8"

    ours, theirs = _both(data={"a": 1}, renderer=Charset())
    _same(ours, theirs)
    assert ours["Content-Type"] == "application/json; charset=utf-8"


def test_a_users_encoder_class_is_used_and_not_shared() -> None:
    built: list[object] = []

    class Encoder(encoders.JSONEncoder):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            built.append(self)
            super().__init__(*args, **kwargs)

        def default(self, obj: Any) -> Any:
            if isinstance(obj, set):
                return sorted(obj)
            return super().default(obj)

    class WithEncoder(JSONRenderer):
        encoder_class = Encoder

    _same(*_both(data={"s": {3, 1}}, renderer=WithEncoder()))
    ours = _finalized({"s": {2}}, renderer=WithEncoder())
    render_json(ours)
    assert ours.content == b'{"s":[2]}'
    assert len({id(encoder) for encoder in built}) == len(built) == 3  # one per rendering


class _OwnRender(JSONRenderer):
    def render(
        self, data: Any, accepted_media_type: Any = None, renderer_context: Any = None
    ) -> bytes:
        return b"own"


class _OwnIndent(JSONRenderer):
    def get_indent(self, accepted_media_type: Any, renderer_context: Any) -> int:
        return 1


class _OwnResponse(Response):
    @property
    def rendered_content(self) -> Any:
        return b"own"


@pytest.mark.parametrize(
    "options",
    [
        {"renderer": _OwnRender()},
        {"renderer": _OwnIndent()},
        {"response_class": _OwnResponse},
    ],
    ids=["render overridden", "get_indent overridden", "rendered_content overridden"],
)
def test_overridden_rendering_takes_drfs_path(options: dict[str, Any]) -> None:
    response = _finalized({"a": 1}, **options)
    assert not render_json(response)
    assert not response.is_rendered


def test_post_render_callbacks_take_drfs_path() -> None:
    response = _finalized({"a": 1})
    response.add_post_render_callback(lambda r: None)
    assert not render_json(response)


def test_unfinalized_or_rendered_responses_are_left_alone() -> None:
    bare = Response({"a": 1})
    assert not render_json(bare)  # DRF's own path raises its assertion message
    done = _finalized({"a": 1})
    done.render()
    assert not render_json(done)


def test_remembered_media_types_are_bounded() -> None:
    _render._indents.clear()
    for number in range(_render._MEMO_SIZE * 3):
        _same(*_both(data=[number], media_type=f"application/json; x={number}"))
    assert len(_render._indents) == _render._MEMO_SIZE
