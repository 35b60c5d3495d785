"""restflow.responses: streaming responses (JSON list, NDJSON, server-sent events)."""

from restflow.responses._stream import StreamingResponse
from restflow.responses.json_list import StreamingJSONListResponse
from restflow.responses.ndjson import NDJSONResponse
from restflow.responses.sse import ServerSentEvent, SSEResponse

__all__ = [
    "NDJSONResponse",
    "SSEResponse",
    "ServerSentEvent",
    "StreamingJSONListResponse",
    "StreamingResponse",
]
