"""``APIView`` (sync) and ``AsyncAPIView``: DRF's APIView plus the restflow helpers."""

from __future__ import annotations

from rest_framework import views

from restflow.core.dispatch import AsyncAPIView as _CoreAsyncAPIView
from restflow.views.helpers import AsyncViewHelpers, ViewHelpers
from restflow.views.timeout import TimeoutMixin

__all__ = ["APIView", "AsyncAPIView"]


class APIView(ViewHelpers, views.APIView):
    """DRF's ``APIView`` (sync dispatch, unchanged) with the serializer and pagination helpers."""


class AsyncAPIView(TimeoutMixin, AsyncViewHelpers, _CoreAsyncAPIView):
    """restflow-core's async dispatch loop with the helpers and their ``a``-twins.

    Handlers are ``async def``; the sync helpers stay available for code with
    nothing to await. ``timeout = <seconds>`` bounds each handler (a 504 on overrun).
    """
