"""One trivial GET (``{"ok": true}``) through each implementation under test.

Two DRF configurations, applied identically to the three DRF-based views:

``lean``     ``authentication_classes = []``, ``permission_classes = [AllowAny]``,
             ``throttle_classes = []``, ``renderer_classes = [JSONRenderer]``.
``default``  DRF's shipped defaults: ``[SessionAuthentication, BasicAuthentication]``,
             ``[AllowAny]``, no throttles; ``renderer_classes = [JSONRenderer]``.

Parsers, negotiation and versioning stay at DRF's defaults in both.
"""

from __future__ import annotations

from typing import Any

from adrf.views import APIView as AdrfAPIView
from django.http import HttpRequest, JsonResponse
from rest_framework.authentication import BasicAuthentication, SessionAuthentication
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from restflow.core import AsyncAPIView

PAYLOAD = {"ok": True}


class _Lean:
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes: list[Any] = []
    renderer_classes = [JSONRenderer]


class _Default:
    authentication_classes = [SessionAuthentication, BasicAuthentication]
    permission_classes = [AllowAny]
    throttle_classes: list[Any] = []
    renderer_classes = [JSONRenderer]


class _SyncGet:
    def get(self, request: Any) -> Response:
        return Response(PAYLOAD)


class _AsyncGet:
    async def get(self, request: Any) -> Response:
        return Response(PAYLOAD)


class DrfSyncLean(_SyncGet, _Lean, APIView):
    pass


class AdrfLean(_AsyncGet, _Lean, AdrfAPIView):
    pass


class RestflowLean(_AsyncGet, _Lean, AsyncAPIView):
    pass


class DrfSyncDefault(_SyncGet, _Default, APIView):
    pass


class AdrfDefault(_AsyncGet, _Default, AdrfAPIView):
    pass


class RestflowDefault(_AsyncGet, _Default, AsyncAPIView):
    pass


async def django_async(request: HttpRequest) -> JsonResponse:
    """The floor: a bare Django async function view."""
    return JsonResponse(PAYLOAD)
