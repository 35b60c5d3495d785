"""Views built on restflow-core's AsyncAPIView, used through Django's ASGI handler."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from restflow.core import AsyncAPIView


class HelloView(AsyncAPIView):
    """An async GET with DRF's negotiation, parsers and renderers."""

    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []

    async def get(self, request: Request) -> Response:
        return Response({"hello": request.query_params.get("name", "world")})

    async def post(self, request: Request) -> Response:
        return Response({"echo": request.data}, status=201)


class PrivateView(AsyncAPIView):
    """A sync DRF permission class on the async loop: anonymous users are refused."""

    authentication_classes: list[Any] = []
    permission_classes = [IsAuthenticated]

    async def get(self, request: Request) -> Response:
        return Response({"secret": 42})
