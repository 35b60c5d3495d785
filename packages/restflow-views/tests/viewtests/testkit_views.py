"""Views (and their own URLconf) for the restflow.test tests."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.urls import path
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from restflow.core import AsyncAPIView


class _KeyUser(AnonymousUser):
    """A non-DB user authenticated by an API key header."""

    def __init__(self, name: str) -> None:
        self.username = name

    @property
    def is_authenticated(self) -> bool:  # type: ignore[override]
        return True


class ApiKeyAuthentication(BaseAuthentication):
    """``X-Api-Key: key-<name>`` authenticates as ``<name>``."""

    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        key = request.headers.get("X-Api-Key")
        if not key or not key.startswith("key-"):
            return None
        return _KeyUser(key[4:]), key


class IsAuthenticatedAsync(BasePermission):
    async def has_permission(self, request: Any, view: Any) -> bool:  # type: ignore[override]
        return bool(request.user and request.user.is_authenticated)


class WhoAmI(AsyncAPIView):
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [IsAuthenticatedAsync]

    async def get(self, request: Any) -> Response:
        return Response({"user": request.user.username, "token": str(request.auth)})


class Echo(AsyncAPIView):
    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []

    async def post(self, request: Any) -> Response:
        return Response({"content_type": request.content_type, "data": request.data})

    async def patch(self, request: Any) -> Response:
        return await self.post(request)


urlpatterns = [
    path("testkit/whoami/", WhoAmI.as_view()),
    path("testkit/echo/", Echo.as_view()),
]


class UserNames(AsyncAPIView):
    """Reads the database through the async ORM (live-server data visibility)."""

    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []

    async def get(self, request: Any) -> Response:
        from django.contrib.auth.models import User

        names = [u.username async for u in User.objects.order_by("username")]
        return Response({"users": names})


urlpatterns.append(path("testkit/users/", UserNames.as_view()))


STREAM_GATE: dict[str, Any] = {}


async def slow_stream(request: Any) -> Any:
    """Yields one chunk, then waits for the test to release it (proves no buffering)."""
    import asyncio

    from django.http import StreamingHttpResponse

    gate = STREAM_GATE["event"]  # a threading.Event the test sets after reading "first"

    async def chunks() -> Any:
        yield b"first\n"
        released = await asyncio.to_thread(gate.wait, 5)
        yield b"second\n" if released else b"never-released\n"

    return StreamingHttpResponse(chunks(), content_type="text/plain")


urlpatterns.append(path("testkit/stream/", slow_stream))
