"""Views that overrun their ``timeout`` while blocked in a thread hop, behind several middleware stacks.

``make_router()`` is one ASGI app holding a Django ``ASGIHandler`` per stack of
``STACKS``; the first path segment picks the stack, so
``/startproject/run_sync/<name>/`` is the ``run_sync`` view behind the middleware of
a ``startproject``. The in-process tests call it directly, the live ones serve it
with uvicorn in a subprocess (``ROOT_URLCONF`` is this module).

The blocked call stands for an ORM query waiting on a lock. Progress is recorded
as files in ``$RESTFLOW_TIMEOUT_MARKS``: ``started-<name>`` when the call starts,
``ended-<name>`` just before it returns (it returns once the test creates
``release-<name>``), ``cancelled-<name>`` when the view's timeout fired.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.http import HttpRequest, HttpResponseBase
from django.test import override_settings
from django.urls import path
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from restflow.core.hop import run_sync
from restflow.views import AsyncAPIView

TIMEOUT = 0.1

STARTPROJECT_MIDDLEWARE = [  # what django-admin startproject writes
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]


def sync_only_middleware(
    get_response: Callable[[HttpRequest], HttpResponseBase],
) -> Callable[[HttpRequest], HttpResponseBase]:
    """A plain function middleware without ``async_capable``: Django runs it sync only."""

    def middleware(request: HttpRequest) -> HttpResponseBase:
        return get_response(request)

    return middleware


def native_async_middleware(
    get_response: Callable[[HttpRequest], Awaitable[HttpResponseBase]],
) -> Callable[[HttpRequest], Awaitable[HttpResponseBase]]:
    """A natively async middleware: nothing of it runs in a thread."""

    async def middleware(request: HttpRequest) -> HttpResponseBase:
        return await get_response(request)

    return middleware


native_async_middleware.sync_capable = False  # type: ignore[attr-defined]
native_async_middleware.async_capable = True  # type: ignore[attr-defined]

STACKS: dict[str, list[str]] = {
    "none": [],
    "startproject": STARTPROJECT_MIDDLEWARE,
    "sync_only": [f"{__name__}.sync_only_middleware"],
    "native_async": [f"{__name__}.native_async_middleware"],
}


def marks() -> Path:
    return Path(os.environ["RESTFLOW_TIMEOUT_MARKS"])


def blocked_call(name: str) -> str:
    """Block the calling thread until the test releases ``name`` (5 s at most)."""
    (marks() / f"started-{name}").touch()
    deadline = time.monotonic() + 5
    while not (marks() / f"release-{name}").exists() and time.monotonic() < deadline:
        time.sleep(0.005)
    (marks() / f"ended-{name}").touch()
    return name


class TextRenderer(BaseRenderer):
    """A renderer not marked loop-safe (as the browsable API): it renders in a thread."""

    media_type = "text/plain"
    format = "txt"

    def render(
        self, data: Any, accepted_media_type: Any = None, renderer_context: Any = None
    ) -> Any:
        return str(data).encode()


class OverrunView(AsyncAPIView):
    """Blocks in ``hop`` past its ``timeout``; marks ``cancelled-<name>`` when it fires."""

    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []
    renderer_classes: list[Any] = [JSONRenderer]
    timeout = TIMEOUT

    async def hop(self, name: str) -> str:
        return await run_sync(blocked_call, name)

    async def get(self, request: Any, name: str, **kwargs: Any) -> Response:
        try:
            return Response({"finished": await self.hop(name)})
        except asyncio.CancelledError:
            (marks() / f"cancelled-{name}").touch()
            raise


class SyncToAsyncView(OverrunView):
    async def hop(self, name: str) -> str:
        return await sync_to_async(blocked_call)(name)


class FreeThreadView(OverrunView):
    async def hop(self, name: str) -> str:
        return await sync_to_async(blocked_call, thread_sensitive=False)(name)


class TextRendererView(OverrunView):
    renderer_classes = [JSONRenderer, TextRenderer]


class QuickView(AsyncAPIView):
    """Answers at once after one thread-sensitive hop."""

    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []
    renderer_classes: list[Any] = [JSONRenderer]

    async def get(self, request: Any, **kwargs: Any) -> Response:
        return Response({"hop": await run_sync(str, "done")})


HOPS: dict[str, type[AsyncAPIView]] = {
    "run_sync": OverrunView,
    "sync_to_async": SyncToAsyncView,
    "free_thread": FreeThreadView,
    "text_renderer": TextRendererView,
}

urlpatterns = [
    *(path(f"<str:stack>/{hop}/<str:name>/", view.as_view()) for hop, view in HOPS.items()),
    path("<str:stack>/quick/", QuickView.as_view()),
]


def make_router() -> Callable[..., Awaitable[None]]:
    """One ASGI app: a Django ``ASGIHandler`` per stack, chosen by the first path segment."""
    handlers = {}
    for stack, middleware in STACKS.items():
        with override_settings(MIDDLEWARE=middleware):
            handlers[stack] = ASGIHandler()

    async def router(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await handlers[scope["path"].split("/")[1]](scope, receive, send)

    return router
