"""docs/example's routes and error handlers, plus ``/crash/…`` views that fail on purpose."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path
from example import urls as example_urls
from rest_framework.request import Request
from rest_framework.response import Response

from restflow.views import AsyncAPIView

SECRET = "hostile-suite-internal-detail"

handler400 = example_urls.handler400
handler403 = example_urls.handler403
handler404 = example_urls.handler404
handler500 = example_urls.handler500


def crash(request: HttpRequest) -> HttpResponse:
    """A plain Django view that fails: Django's handler500 answers."""
    raise RuntimeError(SECRET)


def forbidden(request: HttpRequest) -> HttpResponse:
    """A plain Django view that refuses: Django's handler403 answers."""
    raise PermissionDenied(SECRET)


class CrashingApiView(AsyncAPIView):
    """A restflow view that fails: restflow's exception handler answers."""

    async def get(self, request: Request) -> Response:
        raise RuntimeError(SECRET)


urlpatterns = [
    path("crash/django/", crash),
    path("crash/forbidden/", forbidden),
    path("crash/api/", CrashingApiView.as_view()),
    *example_urls.urlpatterns,
]
