"""Views using DRF's default components, for the negotiation and authenticator-twin tests."""

from __future__ import annotations

from rest_framework import authentication, permissions, renderers
from rest_framework.request import Request
from rest_framework.response import Response

from restflow.core import AsyncAPIView


class WhoAmI(AsyncAPIView):
    authentication_classes = [
        authentication.SessionAuthentication,
        authentication.BasicAuthentication,
    ]
    permission_classes = [permissions.AllowAny]

    async def get(self, request: Request) -> Response:
        return Response({"user": getattr(request.user, "username", None) or None})

    async def post(self, request: Request) -> Response:
        return Response({"user": request.user.username}, status=201)


class PlainTextRenderer(renderers.BaseRenderer):
    media_type = "text/plain"
    format = "txt"

    def render(
        self, data: object, accepted_media_type: object = None, renderer_context: object = None
    ) -> bytes:
        return repr(data).encode()


class TwoRenderers(AsyncAPIView):
    authentication_classes: list[type] = []
    permission_classes: list[type] = []
    renderer_classes = [renderers.JSONRenderer, PlainTextRenderer]

    async def get(self, request: Request) -> Response:
        return Response({"ok": True})
