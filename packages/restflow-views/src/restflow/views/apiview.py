"""``APIView`` (sync) and ``AsyncAPIView``: DRF's APIView plus the restflow helpers."""

from __future__ import annotations

from typing import Any

from rest_framework import views
from rest_framework.request import Request
from rest_framework.response import Response

from restflow.core import BaseAsyncAPIView, release_on_close
from restflow.parsers import ParsersMixin
from restflow.views.helpers import AsyncViewHelpers, ViewHelpers
from restflow.views.timeout import TimeoutMixin

__all__ = ["APIView", "AsyncAPIView"]


class SyncDispatchMixin(ParsersMixin):
    """DRF's sync dispatch as restflow runs it on every sync view.

    DRF's ``JSONParser`` is replaced by :class:`restflow.parsers.JSONParser` (as
    on the async views), and no view/request/response cycle is left once the
    response is closed.
    """

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        """DRF's ``finalize_response``; the back links go when Django closes the response."""
        final: Response = super().finalize_response(  # type: ignore[misc]
            request, response, *args, **kwargs
        )
        release_on_close(self, request, final)
        return final


class APIView(SyncDispatchMixin, ViewHelpers, views.APIView):
    """DRF's ``APIView`` (sync dispatch) with the serializer and pagination helpers."""


class AsyncAPIView(TimeoutMixin, AsyncViewHelpers, BaseAsyncAPIView):
    """restflow-core's async dispatch loop with the helpers and their ``a``-twins.

    Handlers are ``async def``; the sync helpers stay available for code with
    nothing to await. ``timeout = <seconds>`` bounds each handler (a 504 on overrun).
    """
