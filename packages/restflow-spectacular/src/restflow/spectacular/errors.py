"""The error envelope ``{"error": {"code", "message", "details"}}`` as an OpenAPI component."""

from __future__ import annotations

from typing import Any

__all__ = ["ERROR_COMPONENT_NAME", "ERROR_DESCRIPTIONS", "ERROR_ENVELOPE_SCHEMA"]

ERROR_COMPONENT_NAME = "ErrorEnvelope"

ERROR_ENVELOPE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string", "description": "Machine-readable error code."},
                "message": {"type": "string", "description": "Human-readable summary."},
                "details": {"description": "Per-field or extra information, or null."},
            },
            "required": ["code", "message", "details"],
        }
    },
    "required": ["error"],
}

ERROR_DESCRIPTIONS: dict[str, str] = {
    "400": "Invalid input.",
    "401": "Authentication is missing or invalid.",
    "403": "Permission denied.",
    "404": "Not found.",
    "429": "Request was throttled.",
}
