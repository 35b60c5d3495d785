"""``StreamingJSONListResponse``: one JSON array, streamed item by item."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rest_framework.renderers import JSONRenderer
from rest_framework.settings import api_settings
from rest_framework.utils.encoders import JSONEncoder

from restflow.responses._stream import StreamingResponse

__all__ = ["StreamingJSONListResponse", "encode_json"]


class _ItemEncoder(JSONEncoder):
    """DRF's encoder, but a ``Decimal`` is a string while ``COERCE_DECIMAL_TO_STRING`` is on."""

    def default(self, obj: Any) -> Any:
        if isinstance(obj, Decimal) and api_settings.COERCE_DECIMAL_TO_STRING:
            return format(obj, "f")  # as a serializer's DecimalField writes it: no exponent
        return super().default(obj)


class _ItemRenderer(JSONRenderer):
    encoder_class = _ItemEncoder


_RENDERER = _ItemRenderer()


def encode_json(item: Any) -> bytes:
    """One item as DRF's ``JSONRenderer`` renders it (its settings, its escapes).

    The one difference: a ``Decimal`` is a string while ``COERCE_DECIMAL_TO_STRING``
    is on (what a serializer's ``DecimalField`` would have given), so money keeps
    its digits; ``None`` is ``null`` (the renderer gives an empty body).
    """
    return b"null" if item is None else _RENDERER.render(item)


class StreamingJSONListResponse(StreamingResponse):
    """A JSON array (``application/json``) whose items are sent as they are produced.

    If the producer fails, the closing ``]`` is not sent: the body is not valid JSON.
    """

    media_type = "application/json"

    def render_start(self) -> bytes:
        return b"["

    def render_item(self, item: Any, index: int) -> bytes:
        return encode_json(item) if index == 0 else b"," + encode_json(item)

    def render_end(self) -> bytes:
        return b"]"
