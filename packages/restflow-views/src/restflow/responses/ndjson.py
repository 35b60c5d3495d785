"""``NDJSONResponse``: newline-delimited JSON, one document per line."""

from __future__ import annotations

from typing import Any

from restflow.responses._stream import StreamingResponse
from restflow.responses.json_list import encode_json


class NDJSONResponse(StreamingResponse):
    """One compact JSON document per line (``application/x-ndjson``), sent as produced."""

    media_type = "application/x-ndjson"

    def render_item(self, item: Any, index: int) -> bytes:
        return encode_json(item) + b"\n"
