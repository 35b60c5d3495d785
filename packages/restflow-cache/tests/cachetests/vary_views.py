"""Views for the response-key tests (``test_response_keys.py``), served by Django's test clients.

A URLconf (``urlpatterns``): every scenario exists as a sync DRF ``APIView`` and a restflow
``AsyncAPIView``, on each cache alias, at ``/<alias>/<kind>/<scenario>/``. The bodies echo what
the response depends on, so a response served to the wrong client shows in its body.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.urls import path
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from rest_framework.authentication import SessionAuthentication
from rest_framework.response import Response
from rest_framework.views import APIView

from restflow.caching import cache_response
from restflow.core import AsyncAPIView

ALIASES = ("default", "files", "redis")
KINDS = ("sync", "async")
NOON = datetime.datetime(2024, 6, 1, 12, 0, tzinfo=datetime.UTC)


def _varying(body: dict[str, Any], *headers: str) -> Response:
    response = Response(body)
    patch_vary_headers(response, headers)
    return response


def absolute(request: Any) -> Response:
    """Absolute URLs built from the request (as pagination and hyperlinked fields build them)."""
    return Response(
        {"self": request.build_absolute_uri(), "next": request.build_absolute_uri("?page=2")}
    )


def chosen_language(request: Any) -> Response:
    """The view picks the language from ``Accept-Language`` itself and says so in ``Vary``."""
    return _varying({"language": translation.get_language_from_request(request)}, "Accept-Language")


def active_language(request: Any) -> Response:
    """The language ``LocaleMiddleware`` activated (its ``Vary`` is added after the view)."""
    return Response({"language": translation.get_language()})


def local_time(request: Any) -> Response:
    """A datetime rendered in the active time zone."""
    return Response({"noon": timezone.localtime(NOON).isoformat()})


def tenant(request: Any) -> Response:
    return _varying({"tenant": request.headers.get("X-Tenant")}, "X-Tenant")


def anything(request: Any) -> Response:
    return _varying({"tenant": request.headers.get("X-Tenant")}, "*")


def accept(request: Any) -> Response:
    """``Vary: Accept`` said by the view too (DRF adds it already): keyed by negotiation."""
    return _varying({"format": request.accepted_renderer.format}, "Accept")


def whoami(request: Any) -> Response:
    """Session auth; the body shows the user and a cookie of the client's own."""
    body = {"user": request.user.get_username(), "theme": request.COOKIES.get("theme")}
    return _varying(body, "Cookie")


SCENARIOS: dict[str, Callable[[Any], Response]] = {
    "absolute": absolute,
    "chosen-language": chosen_language,
    "active-language": active_language,
    "stale-language": active_language,  # goes stale after 0.3 s, refreshed in the background
    "local-time": local_time,
    "tenant": tenant,
    "anything": anything,
    "accept": accept,
    "whoami": whoami,
}


def _view(body: Callable[[Any], Response], alias: str, kind: str, name: str) -> Any:
    """One cached view; its handler has a qualname of its own (the cache's function id)."""

    def get_sync(self: Any, request: Any) -> Response:
        return body(request)

    async def get_async(self: Any, request: Any) -> Response:
        return body(request)

    handler: Any = get_sync if kind == "sync" else get_async
    handler.__qualname__ = f"{kind}_{name.replace('-', '_')}_on_{alias}.get"
    attrs = {
        "authentication_classes": [SessionAuthentication],
        "permission_classes": [],
        "get": cache_response(
            0.3 if name.startswith("stale-") else 60, stale_ttl=60, cache_alias=alias
        )(handler),
    }
    return type(handler.__qualname__[:-4], (APIView if kind == "sync" else AsyncAPIView,), attrs)


VIEWS: dict[tuple[str, str, str], Any] = {
    (alias, kind, name): _view(body, alias, kind, name)
    for alias in ALIASES
    for kind in KINDS
    for name, body in SCENARIOS.items()
}

urlpatterns = [
    path(f"{alias}/{kind}/{name}/", view.as_view()) for (alias, kind, name), view in VIEWS.items()
]
