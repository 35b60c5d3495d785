"""Build the ``{"error": {"code", "message", "details"}}`` body."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict

from django.utils.encoding import force_str
from django.utils.functional import Promise

from restflow.exceptions.codes import ErrorCode, checked_code

__all__ = ["ErrorBody", "ErrorEnvelope", "error_envelope", "plain_details"]

Details = dict[str, Any] | list[Any] | None


class ErrorBody(TypedDict):
    """The inner object of the envelope."""

    code: str
    message: str
    details: Details


class ErrorEnvelope(TypedDict):
    """The whole error body: ``{"error": ErrorBody}``."""

    error: ErrorBody


def plain_details(value: Any) -> Any:
    """Return ``value`` with DRF ``ErrorDetail``s and lazy strings turned into plain ``str``.

    Dicts (keys become ``str``), lists and tuples are walked recursively, so
    the result is made of builtin types only and serialises the same way
    everywhere. Numbers, booleans and ``None`` are kept.
    """
    if isinstance(value, Mapping):
        return {str(key): plain_details(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_details(item) for item in value]
    if isinstance(value, (str, Promise)):
        return str(force_str(value))
    return value


def error_envelope(code: ErrorCode | str, message: Any, details: Any = None) -> ErrorEnvelope:
    """Build the error body for ``code``; ``message`` is coerced to ``str``.

    ``code`` is an :class:`ErrorCode` or an application's own non-empty string
    (``TypeError`` otherwise); ``details`` goes through :func:`plain_details`.
    """
    return {
        "error": {
            "code": str(checked_code(code, "error_envelope()'s code")),
            "message": str(force_str(message)),
            "details": plain_details(details),
        }
    }
