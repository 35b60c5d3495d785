"""The error envelope outside DRF's views, and in the schema where it is not implied.

``handler404`` / ``handler500`` answer URLs no view matches (``/api/products/0.5/``)
and crashes in the envelope every API error uses, instead of Django's HTML pages.
``error_response()`` documents an envelope response in ``extend_schema``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from drf_spectacular.utils import OpenApiResponse

from restflow.exceptions import error_envelope
from restflow.spectacular.errors import ERROR_ENVELOPE_SCHEMA


def error_response(description: str) -> OpenApiResponse:
    """An ``extend_schema`` response whose body is the error envelope."""
    return OpenApiResponse(response=ERROR_ENVELOPE_SCHEMA, description=description)


def not_found(request: HttpRequest, exception: Any = None) -> JsonResponse:
    """``handler404``: no route matches the URL."""
    return JsonResponse(error_envelope("not_found", "Not found."), status=404)


def server_error(request: HttpRequest) -> JsonResponse:
    """``handler500``: an unhandled error outside the API's exception handler."""
    return JsonResponse(error_envelope("internal_error", "A server error occurred."), status=500)
