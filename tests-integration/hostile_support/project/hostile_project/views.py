"""The hostile project's endpoints: restflow's async and sync views side by side.

- ``/alive/``: the normal request every test sends after its attack;
- ``/me/``: needs a valid access token (RS256, issuer and audience checked);
- ``/echo/``, ``/sync/echo/``, ``/drf/echo/``: a summary of the parsed body (or of the
  query string on ``GET``) on an ``AsyncAPIView``, restflow's sync ``APIView`` and DRF's
  own ``APIView`` naming restflow's JSON parser (issue 17 item 5);
- ``/links/``, ``/greeting/``, ``/whoami/`` (and ``/sync/…``): ``cache_response`` on a body
  with absolute URLs, on one that varies with ``Accept-Language``, and on one per user;
- ``/slow/``: ``timeout = 0.5`` around a handler blocked in a thread hop.
"""

from __future__ import annotations

import importlib.util
import time

from asgiref.sync import sync_to_async
from django.conf import settings
from django.utils.cache import patch_vary_headers
from django.utils.module_loading import import_string
from django.utils.translation import get_language
from rest_framework import parsers
from rest_framework import views as drf_views
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from restflow.caching import cache_response
from restflow.permissions import IsAuthenticated
from restflow.views import APIView, AsyncAPIView

# restflow's JSON parser (issue 17 item 5) where it exists, DRF's before it did
_JSON_PARSER = (
    "restflow.parsers.JSONParser"
    if importlib.util.find_spec("restflow.parsers")
    else "rest_framework.parsers.JSONParser"
)


def summary(request: Request) -> Response:
    """What the request carried: the parsed body's type and size, or the query's size."""
    if request.method == "GET":
        return Response({"params": len(request.query_params)})
    data = request.data
    return Response({"type": type(data).__name__, "size": len(data)})


def links(request: Request) -> Response:
    """Absolute URLs, built from the request's scheme and ``Host``."""
    return Response(
        {"self": request.build_absolute_uri(), "alive": reverse("alive", request=request)}
    )


def greeting(request: Request) -> Response:
    """The language ``LocaleMiddleware`` chose from ``Accept-Language``; ``Vary`` says so."""
    response = Response({"language": get_language()})
    patch_vary_headers(response, ["Accept-Language"])
    return response


def whoami(request: Request) -> Response:
    return Response({"user": request.user.get_username() or None})


class AliveView(AsyncAPIView):
    async def get(self, request: Request) -> Response:
        return Response({"alive": True})


class MeView(AsyncAPIView):
    permission_classes = [IsAuthenticated]

    async def get(self, request: Request) -> Response:
        return whoami(request)


class EchoView(AsyncAPIView):
    async def get(self, request: Request) -> Response:
        return summary(request)

    post = put = patch = get


class SyncEchoView(APIView):
    def get(self, request: Request) -> Response:
        return summary(request)

    post = put = patch = get


class DrfEchoView(drf_views.APIView):
    parser_classes = [import_string(_JSON_PARSER), parsers.FormParser, parsers.MultiPartParser]

    def get(self, request: Request) -> Response:
        return summary(request)

    post = put = patch = get


class LinksView(AsyncAPIView):
    @cache_response(60)
    async def get(self, request: Request) -> Response:
        return links(request)


class SyncLinksView(APIView):
    @cache_response(60)
    def get(self, request: Request) -> Response:
        return links(request)


class GreetingView(AsyncAPIView):
    @cache_response(60)
    async def get(self, request: Request) -> Response:
        return greeting(request)


class SyncGreetingView(APIView):
    @cache_response(60)
    def get(self, request: Request) -> Response:
        return greeting(request)


class WhoAmIView(AsyncAPIView):
    @cache_response(60)
    async def get(self, request: Request) -> Response:
        return whoami(request)


class SyncWhoAmIView(APIView):
    @cache_response(60)
    def get(self, request: Request) -> Response:
        return whoami(request)


class SlowView(AsyncAPIView):
    """Blocks a worker thread for ``SLOW_SECONDS``: its 0.5 s ``timeout`` must answer 504."""

    timeout = 0.5

    async def get(self, request: Request) -> Response:
        await sync_to_async(time.sleep)(settings.SLOW_SECONDS)
        return Response({"slept": settings.SLOW_SECONDS})
