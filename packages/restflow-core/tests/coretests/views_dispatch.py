"""Views and components for the dispatch-loop tests: sync and async parts mixed."""

from __future__ import annotations

import threading
import weakref
from typing import Any

from django.contrib.auth import get_user_model
from rest_framework import authentication, exceptions, permissions, throttling
from rest_framework.request import Request
from rest_framework.response import Response

from coretests.models import Note
from restflow.core import AsyncAPIView
from testsupport.loops import where

EVENTS: list[str] = []
LAST: list[Any] = []  # weak references to the last MixedView, its request and Django's request


def record(event: str) -> None:
    EVENTS.append(f"{event}@{where()}")


class SyncHeaderAuthentication(authentication.BaseAuthentication):
    """Sync authenticator hitting the database: must run in a thread."""

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        record("sync-auth")
        name = request.META.get("HTTP_X_SYNC_USER")
        if not name:
            return None
        try:
            return get_user_model().objects.get(username=name), None
        except get_user_model().DoesNotExist as exc:
            raise exceptions.AuthenticationFailed("unknown sync user") from exc

    def authenticate_header(self, request: Request) -> str:
        return 'Sync realm="tests"'


class AsyncHeaderAuthentication(authentication.BaseAuthentication):
    """Native async authenticator: awaited on the loop."""

    async def aauthenticate(self, request: Request) -> tuple[Any, str] | None:
        record("async-auth")
        name = request.META.get("HTTP_X_ASYNC_USER")
        if not name:
            return None
        user = await get_user_model().objects.filter(username=name).afirst()
        if user is None:
            raise exceptions.AuthenticationFailed("unknown async user")
        return user, "async-token"


class AsyncOwnerPermission(permissions.BasePermission):
    """Native async permission; refuses users named 'blocked'."""

    message = "blocked users may not pass"

    async def ahas_permission(self, request: Request, view: Any) -> bool:
        record("async-perm")
        return getattr(request.user, "username", "") != "blocked"

    async def ahas_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        return obj.owner_id == request.user.id


class SyncDbPermission(permissions.BasePermission):
    """Sync permission that queries the database: must not run on the loop."""

    def has_permission(self, request: Request, view: Any) -> bool:
        record("sync-perm")
        return not Note.objects.filter(title="lockdown").exists()


class AsyncThrottle(throttling.BaseThrottle):
    """Native async throttle refusing requests carrying X-Throttle."""

    async def aallow_request(self, request: Request, view: Any) -> bool:
        record("async-throttle")
        return "HTTP_X_THROTTLE" not in request.META

    def wait(self) -> float:
        return 7.0


class SyncThrottle(throttling.BaseThrottle):
    def allow_request(self, request: Request, view: Any) -> bool:
        record("sync-throttle")
        return "HTTP_X_SYNC_THROTTLE" not in request.META

    def wait(self) -> float:
        return 3.0


class MixedView(AsyncAPIView):
    authentication_classes = [SyncHeaderAuthentication, AsyncHeaderAuthentication]
    permission_classes = [permissions.IsAuthenticated, AsyncOwnerPermission, SyncDbPermission]
    throttle_classes = [SyncThrottle, AsyncThrottle]

    async def get(self, request: Request) -> Response:
        record("handler")
        LAST[:] = [weakref.ref(self), weakref.ref(request), weakref.ref(request._request)]
        titles = [note.title async for note in Note.objects.order_by("title")]
        return Response(
            {
                "user": request.user.username,
                "auth": request.auth,
                "titles": titles,
                "thread": threading.current_thread().name,
            }
        )

    async def post(self, request: Request) -> Response:
        note = await Note.objects.acreate(title=request.data["title"], owner=request.user)
        return Response({"id": note.pk}, status=201)


class ModelPermsView(AsyncAPIView):
    """Plain DRF DjangoModelPermissions (sync, DB) on the async loop."""

    authentication_classes = [AsyncHeaderAuthentication]
    permission_classes = [permissions.DjangoModelPermissions]
    queryset = Note.objects.all()

    async def post(self, request: Request) -> Response:
        return Response({"created": True}, status=201)


class ObjectView(AsyncAPIView):
    authentication_classes = [AsyncHeaderAuthentication]
    permission_classes = [permissions.IsAuthenticated, AsyncOwnerPermission]

    async def get(self, request: Request, pk: int) -> Response:
        note = await Note.objects.aget(pk=pk)
        await self.acheck_object_permissions(request, note)
        return Response({"title": note.title})


class NoHeaderView(AsyncAPIView):
    """Authenticators without a WWW-Authenticate header: 401 becomes 403."""

    authentication_classes = [AsyncHeaderAuthentication]
    permission_classes = [permissions.IsAuthenticated]

    async def get(self, request: Request) -> Response:
        return Response({})


class BrokenView(AsyncAPIView):
    authentication_classes: list[type] = []
    permission_classes: list[type] = []

    async def get(self, request: Request) -> Response:
        raise KeyError("secret-internal-detail")


class CarelessView(AsyncAPIView):
    """Touches the database synchronously from the loop: must fail, loudly."""

    authentication_classes: list[type] = []
    permission_classes: list[type] = []

    async def get(self, request: Request) -> Response:
        return Response({"count": Note.objects.count()})
