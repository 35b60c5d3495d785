"""A standalone ASGI app serving the streaming views, for the uvicorn-based tests.

The test loads this file by path (``viewtests/__init__`` needs configured settings)
and serves ``make_app()`` with uvicorn; it configures Django itself (no database). Producers record progress in ``$RESTFLOW_STREAM_MARKS`` (a directory)
so the test process can observe that a producer started, was paused, or ran its
``finally``.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any


def _mark(name: str) -> None:
    Path(os.environ["RESTFLOW_STREAM_MARKS"], name).touch()


def _released(name: str) -> bool:
    return Path(os.environ["RESTFLOW_STREAM_MARKS"], f"release-{name}").exists()


async def _agen(
    name: str, count: int | None, fail_at: int | None, sse: bool = False
) -> AsyncIterator[Any]:
    """Yield ``{"n": i}`` (an SSE event dict with that data if ``sse``); after the first
    item wait for the test's release file."""
    try:
        i = 0
        while count is None or i < count:
            if fail_at is not None and i == fail_at:
                raise RuntimeError("producer exploded")
            yield {"data": {"n": i}} if sse else {"n": i}
            if i == 0:
                while not _released(name):  # noqa: ASYNC110 - polls a file the test writes
                    await asyncio.sleep(0.02)
            else:
                await asyncio.sleep(0.01)
            i += 1
    finally:
        _mark(f"finally-{name}")


def _gen(name: str, count: int | None, fail_at: int | None, sse: bool = False) -> Iterator[Any]:
    try:
        i = 0
        while count is None or i < count:
            if fail_at is not None and i == fail_at:
                raise RuntimeError("producer exploded")
            yield {"data": {"n": i}} if sse else {"n": i}
            if i == 0:
                while not _released(name):
                    time.sleep(0.02)
            else:
                time.sleep(0.01)
            i += 1
    finally:
        _mark(f"finally-{name}")


def make_app() -> Any:
    """Configure Django for the stream views and return its ASGI application."""
    import django
    from django.conf import settings

    settings.configure(
        DEBUG=False,
        SECRET_KEY="restflow-stream-tests-not-secret",
        ALLOWED_HOSTS=["*"],
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "rest_framework"],
        ROOT_URLCONF=__name__,
        REST_FRAMEWORK={
            "EXCEPTION_HANDLER": "restflow.exceptions.exception_handler",
            "DEFAULT_AUTHENTICATION_CLASSES": [],
            "DEFAULT_PERMISSION_CLASSES": [],
            "UNAUTHENTICATED_USER": None,
        },
        LOGGING={
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {"plain": {"format": "LOG %(levelname)s %(name)s %(message)s"}},
            "handlers": {"err": {"class": "logging.StreamHandler", "formatter": "plain"}},
            "root": {"handlers": ["err"], "level": "INFO"},
        },
    )
    django.setup()
    from django.core.asgi import get_asgi_application

    return get_asgi_application()


def _view(kind: str) -> Any:
    from restflow.responses import NDJSONResponse, SSEResponse, StreamingJSONListResponse
    from restflow.responses.sse import ServerSentEvent
    from restflow.views import AsyncAPIView

    classes = {"list": StreamingJSONListResponse, "ndjson": NDJSONResponse, "sse": SSEResponse}

    class StreamView(AsyncAPIView):
        async def get(self, request: Any, mode: str, name: str) -> Any:
            count = request.query_params.get("count")
            fail_at = request.query_params.get("fail_at")
            make = _agen if mode == "async" else _gen
            source = make(
                name,
                int(count) if count else None,
                int(fail_at) if fail_at else None,
                sse=kind == "sse",
            )
            if kind == "sse":

                async def events() -> AsyncIterator[Any]:
                    yield ServerSentEvent(comment="hello")
                    yield ServerSentEvent(data="line1\nline2", event="tick", id="7", retry=1500)

                if request.query_params.get("fixed"):
                    return SSEResponse(events())
            return classes[kind](source)

    return StreamView.as_view()


def __getattr__(name: str) -> Any:  # urlpatterns built lazily, after make_app() configured Django
    if name != "urlpatterns":
        raise AttributeError(name)
    from django.urls import path

    return [
        path(f"{kind}/<str:mode>/<str:name>", _view(kind)) for kind in ("list", "ndjson", "sse")
    ]
