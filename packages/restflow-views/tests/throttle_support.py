"""Helpers for the throttling tests: one view per path (DRF sync / restflow async), requests.

``PATHS`` is what the tests parametrize over: ``"sync"`` serves the throttles
from DRF's own ``APIView`` (their ``allow_request``), ``"async"`` from
restflow's ``AsyncAPIView`` (their ``aallow_request``).
"""

from __future__ import annotations

import inspect
import json
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.test import AsyncRequestFactory, RequestFactory
from rest_framework.response import Response
from rest_framework.views import APIView

from restflow.core import AsyncAPIView
from restflow.test import force_authenticate

PATHS = ["sync", "async"]
START = 1_800_000_000.0
"""Where the tests' clocks (``testsupport.clock.Clock``) start: a whole hour, in no window yet."""


@dataclass
class Answer:
    status: int
    body: Any
    headers: dict[str, str]


def make_view(path: str, throttles: list[type], **attrs: Any) -> Any:
    """A view answering ``{"ok": true}`` behind ``throttles``, on the given path."""
    common = {"authentication_classes": [], "permission_classes": [], "throttle_classes": throttles}
    if path == "sync":

        def get(self: Any, request: Any) -> Response:
            return Response({"ok": True})

        cls = type("SyncThrottled", (APIView,), {**common, **attrs, "get": get})
    else:

        async def aget(self: Any, request: Any) -> Response:
            return Response({"ok": True})

        cls = type("AsyncThrottled", (AsyncAPIView,), {**common, **attrs, "get": aget})
    return cls.as_view()


def make_request(
    path: str, *, ip: str = "10.0.0.1", forwarded: str | None = None, user: Any = None
) -> Any:
    """A GET for the path's view from ``ip`` (and ``X-Forwarded-For``), as ``user`` if given."""
    headers = {"accept": "application/json"}
    if forwarded is not None:
        headers["x-forwarded-for"] = forwarded
    if path == "sync":
        request = RequestFactory().get("/", headers=headers)
    else:
        request = AsyncRequestFactory().get("/", headers=headers)
    request.META["REMOTE_ADDR"] = ip
    if user is not None:
        force_authenticate(request, user=user)
    return request


async def send(path: str, view: Any, request: Any) -> Answer:
    """Call ``view`` the way its path runs (awaited or plain) and decode the answer."""
    response = await view(request) if path == "async" else view(request)
    rendered = response.render()
    if inspect.isawaitable(rendered):  # restflow rendered it on the loop already
        await rendered
    return Answer(response.status_code, json.loads(response.content), dict(response.headers))


def user(pk: int) -> User:
    """An authenticated user object that never touches the database."""
    return User(pk=pk, username=f"user{pk}")
