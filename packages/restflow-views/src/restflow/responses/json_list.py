"""``StreamingJSONListResponse``: one JSON array, streamed item by item."""

from __future__ import annotations

import json
from typing import Any

from rest_framework.utils.encoders import JSONEncoder

from restflow.responses._stream import StreamingResponse


def encode_json(item: Any) -> bytes:
    """Compact JSON with DRF's encoder (dates, decimals, UUIDs, lazy strings)."""
    return json.dumps(item, cls=JSONEncoder, separators=(",", ":"), ensure_ascii=False).encode()


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
