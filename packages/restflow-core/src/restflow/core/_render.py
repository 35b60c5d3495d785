"""DRF's JSON rendering on the event loop, without its per-call set-up.

For a DRF ``Response`` rendered by DRF's own ``JSONRenderer`` (neither class
overriding the methods involved), :func:`render_json` produces the same bytes
and headers as ``response.render()``: it skips only work whose answer does
not change between requests — re-parsing the accepted media type for an
``indent`` parameter, building a JSON encoder, re-validating the
``Content-Type`` value. Anything else returns ``False`` and takes DRF's path.
"""

from __future__ import annotations

import json
from typing import Any

from django.http.response import HttpResponseBase
from django.template.response import SimpleTemplateResponse
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.utils import encoders

_MEMO_SIZE = 64  # accepted media types come from the client's Accept header

_plain_responses: dict[type, bool] = {}
_plain_renderers: dict[type, bool] = {}
_indents: dict[str, tuple[Any, ...]] = {}  # media type -> (indent,) or () when it names none
_encoders: dict[tuple[Any, ...], json.JSONEncoder] = {}
_content_types: dict[str, tuple[str, str]] = {}  # value -> the validated header entry


def _is_plain_response(cls: type) -> bool:
    plain = _plain_responses.get(cls)
    if plain is None:
        plain = _plain_responses[cls] = (
            issubclass(cls, Response)
            and cls.render is SimpleTemplateResponse.render
            and cls.rendered_content is Response.rendered_content
        )
    return plain


def _is_plain_renderer(cls: type) -> bool:
    plain = _plain_renderers.get(cls)
    if plain is None:
        plain = _plain_renderers[cls] = (
            issubclass(cls, JSONRenderer)
            and cls.render is JSONRenderer.render
            and cls.get_indent is JSONRenderer.get_indent
        )
    return plain


_FROM_CONTEXT = object()


def _indent(renderer: JSONRenderer, media_type: str, context: dict[str, Any]) -> Any:
    """``renderer.get_indent(media_type, context)``, with the media type's answer remembered."""
    known = _indents.get(media_type)
    if known is None:
        probe = renderer.get_indent(media_type, {"indent": _FROM_CONTEXT})
        # The media type names no usable indent: the context decides, as in DRF.
        known = () if probe is _FROM_CONTEXT else (probe,)
        if len(_indents) < _MEMO_SIZE:
            _indents[media_type] = known
    return known[0] if known else context.get("indent")


def _encoder(renderer: JSONRenderer, indent: Any) -> json.JSONEncoder:
    if indent is None:
        separators = (",", ":") if renderer.compact else (", ", ": ")
    else:
        separators = (",", ": ")
    options = {
        "skipkeys": False,
        "ensure_ascii": renderer.ensure_ascii,
        "check_circular": True,
        "allow_nan": not renderer.strict,
        "indent": indent,
        "separators": separators,
        "default": None,
        "sort_keys": False,
    }
    encoder_class = renderer.encoder_class
    if encoder_class is not encoders.JSONEncoder:  # a user's encoder may keep state: build anew
        return encoder_class(**options)
    key = (renderer.ensure_ascii, renderer.strict, indent, separators)
    encoder = _encoders.get(key)
    if encoder is None:
        encoder = _encoders[key] = encoder_class(**options)
    return encoder


def _set_content_type(response: HttpResponseBase, value: str) -> None:
    entry = _content_types.get(value)
    if entry is None:
        response["Content-Type"] = value  # Django validates the value once
        entry = response.headers._store["content-type"]
        if len(_content_types) < _MEMO_SIZE:
            _content_types[value] = entry
        return
    response.headers._store["content-type"] = entry


def render_json(response: HttpResponseBase) -> bool:
    """Render ``response`` as ``response.render()`` would, if DRF's JSON path applies."""
    if not _is_plain_response(type(response)):
        return False
    untyped: Any = response
    renderer = getattr(untyped, "accepted_renderer", None)
    media_type = getattr(untyped, "accepted_media_type", None)
    context = getattr(untyped, "renderer_context", None)
    if renderer is None or not media_type or context is None:
        return False  # DRF's own path raises its assertion messages
    if (
        not _is_plain_renderer(type(renderer))
        or untyped._is_rendered
        or untyped._post_render_callbacks  # they may replace the response: DRF's path
    ):
        return False
    context["response"] = response
    content_type = untyped.content_type
    if content_type is None:
        charset = renderer.charset
        media = renderer.media_type
        content_type = media if charset is None else f"{media}; charset={charset}"
    data = untyped.data
    if data is None:
        response.headers.pop("Content-Type", None)  # DRF sets, then drops it for an empty body
        body = b""
    else:
        _set_content_type(response, content_type)
        text = _encoder(renderer, _indent(renderer, media_type, context)).encode(data)
        body = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").encode()
    untyped.content = body
    return True
