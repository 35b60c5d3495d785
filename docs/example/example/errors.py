"""The error envelope outside DRF's views, and in the schema where it is not implied.

Django answers some requests before any view runs, or after one crashed, with its own
HTML pages: a ``Host`` not in ``ALLOWED_HOSTS`` (``DisallowedHost``) or another
``SuspiciousOperation`` (400), a ``PermissionDenied`` raised by a middleware (403), a URL
no route matches (404), an unhandled exception (500). ``handler400``/``403``/``404``/``500``
in ``example.urls`` name the views below, so those answers are the envelope every API
error uses, ``{"error": {"code", "message", "details"}}``, as JSON. They say nothing of
the request or the exception (no echo of the rejected host, no traceback), whatever
``DEBUG`` is. ``error_response()`` documents an envelope response in ``extend_schema``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, JsonResponse
from drf_spectacular.utils import OpenApiResponse

from restflow.exceptions import ErrorCode, error_envelope
from restflow.spectacular.errors import ERROR_ENVELOPE_SCHEMA


def error_response(description: str) -> OpenApiResponse:
    """An ``extend_schema`` response whose body is the error envelope."""
    return OpenApiResponse(response=ERROR_ENVELOPE_SCHEMA, description=description)


def _answer(status: int, code: ErrorCode, message: str) -> JsonResponse:
    return JsonResponse(error_envelope(code, message), status=status)


def bad_request(request: HttpRequest, exception: Any = None) -> JsonResponse:
    """``handler400``: Django refused the request (bad ``Host``, ``SuspiciousOperation``)."""
    if isinstance(exception, DisallowedHost):
        return _answer(400, ErrorCode.BAD_REQUEST, "The Host header names no host this serves.")
    return _answer(400, ErrorCode.BAD_REQUEST, "Bad request.")


def permission_denied(request: HttpRequest, exception: Any = None) -> JsonResponse:
    """``handler403``: a ``PermissionDenied`` raised outside DRF's views."""
    return _answer(403, ErrorCode.PERMISSION_DENIED, "Permission denied.")


def not_found(request: HttpRequest, exception: Any = None) -> JsonResponse:
    """``handler404``: no route matches the URL."""
    return _answer(404, ErrorCode.NOT_FOUND, "Not found.")


def server_error(request: HttpRequest) -> JsonResponse:
    """``handler500``: an unhandled error outside the API's exception handler."""
    return _answer(500, ErrorCode.INTERNAL_ERROR, "A server error occurred.")
