"""The same small views on DRF's sync ``APIView`` and core's ``AsyncAPIView``, for hostile input.

The sync ones are plain DRF views answering through restflow's exception
handler, configured with restflow's JSON parser as the docs say; the async
ones keep DRF's default parsers, which ``AsyncAPIView`` substitutes.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import SuspiciousFileOperation
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from restflow.core import AsyncAPIView
from restflow.parsers import JSONParser


def _fields(request: Request) -> dict[str, Any]:
    return {"fields": len(request.query_params)}


def _echo(request: Request) -> Any:
    data = request.data
    return data if isinstance(data, (list, dict)) and not hasattr(data, "getlist") else dict(data)


def _reject(request: Request) -> None:
    raise ValidationError({"payload": request.data})


def _suspicious() -> None:
    raise SuspiciousFileOperation("Detected path traversal attempt in '/srv/app/secret-internal'")


class Open:
    authentication_classes: list[type] = []
    permission_classes: list[type] = []
    throttle_classes: list[type] = []


class SyncQuery(Open, APIView):
    def get(self, request: Request) -> Response:
        return Response(_fields(request))


class AsyncQuery(Open, AsyncAPIView):
    async def get(self, request: Request) -> Response:
        return Response(_fields(request))


class SyncEcho(Open, APIView):
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def post(self, request: Request) -> Response:
        return Response(_echo(request))


class AsyncEcho(Open, AsyncAPIView):
    async def post(self, request: Request) -> Response:
        return Response(_echo(request))


class SyncSuspicious(Open, APIView):
    def get(self, request: Request) -> Response:
        _suspicious()
        return Response({})


class AsyncSuspicious(Open, AsyncAPIView):
    async def get(self, request: Request) -> Response:
        _suspicious()
        return Response({})


class SyncReject(SyncEcho):
    """Hands the body back inside a validation error: DRF and restflow walk it recursively."""

    def post(self, request: Request) -> Response:
        _reject(request)
        return Response({})


class AsyncReject(Open, AsyncAPIView):
    async def post(self, request: Request) -> Response:
        _reject(request)
        return Response({})
