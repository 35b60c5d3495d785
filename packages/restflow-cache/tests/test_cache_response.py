"""``cache_response`` on DRF views (sync) and restflow ``AsyncAPIView`` (async), side by side."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from cachetests.responses import fetch
from restflow.caching import cache_response
from restflow.core import AsyncAPIView


class TextRenderer(BaseRenderer):
    media_type = "text/plain"
    format = "txt"

    def render(
        self, data: Any, accepted_media_type: Any = None, renderer_context: Any = None
    ) -> bytes:
        return repr(data).encode()


RENDERERS = [JSONRenderer, TextRenderer]


class User:
    is_authenticated = True
    is_active = True

    def __init__(self, pk: int) -> None:
        self.pk = pk


def make_views(**options: Any) -> dict[str, Any]:
    runs: list[str] = []

    class SyncView(APIView):
        authentication_classes: list[Any] = []
        permission_classes: list[Any] = []
        renderer_classes = RENDERERS

        @cache_response(60, **options)
        def get(self, request: Any, pk: int = 0) -> Response:
            runs.append("sync")
            if pk == 404:
                return Response({"error": "missing"}, status=404)
            who = getattr(request.user, "pk", None)
            return Response({"pk": pk, "user": who, "q": request.query_params.get("q")})

    class AsyncView(AsyncAPIView):
        authentication_classes: list[Any] = []
        permission_classes: list[Any] = []
        renderer_classes = RENDERERS

        @cache_response(60, **options)
        async def get(self, request: Any, pk: int = 0) -> Response:
            runs.append("async")
            if pk == 404:
                return Response({"error": "missing"}, status=404)
            who = getattr(request.user, "pk", None)
            return Response({"pk": pk, "user": who, "q": request.query_params.get("q")})

    return {"sync": SyncView, "async": AsyncView, "runs": runs}


@pytest.fixture(params=["sync", "async"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


class TestResponseCache:
    def test_miss_then_hit_with_the_status_header(self, kind: str) -> None:
        views = make_views()
        first = fetch(views[kind], pk=1)
        second = fetch(views[kind], pk=1)
        assert first["X-Cache-Status"] == "MISS" and second["X-Cache-Status"] == "HIT"
        assert first.content == second.content and b'"pk":1' in second.content
        assert second["Content-Type"].startswith("application/json")
        assert views["runs"] == [kind]

    def test_a_response_for_alice_is_never_served_to_bob(self, kind: str) -> None:
        views = make_views()
        alice = fetch(views[kind], user=User(1), pk=1)
        bob = fetch(views[kind], user=User(2), pk=1)
        assert bob["X-Cache-Status"] == "MISS" and alice.content != bob.content

    def test_negotiated_renderer_is_part_of_the_key(self, kind: str) -> None:
        views = make_views()
        fetch(views[kind], pk=1)
        html = fetch(views[kind], pk=1, headers={"HTTP_ACCEPT": "text/plain"})
        assert html["X-Cache-Status"] == "MISS" and html["Content-Type"].startswith("text/plain")

    def test_query_string_and_url_kwargs_are_part_of_the_key(self, kind: str) -> None:
        views = make_views()
        fetch(views[kind], "/items/1?q=a", pk=1)
        assert fetch(views[kind], "/items/1?q=b", pk=1)["X-Cache-Status"] == "MISS"
        assert fetch(views[kind], "/items/1?q=a", pk=2)["X-Cache-Status"] == "MISS"
        assert fetch(views[kind], "/items/1?q=a", pk=1)["X-Cache-Status"] == "HIT"

    def test_only_successful_responses_are_cached_by_default(self, kind: str) -> None:
        views = make_views()
        assert fetch(views[kind], pk=404).status_code == 404
        again = fetch(views[kind], pk=404)
        assert again.status_code == 404 and again["X-Cache-Status"] == "MISS"

    def test_cache_errors_caches_error_responses(self, kind: str) -> None:
        views = make_views(cache_errors=True)
        fetch(views[kind], pk=404)
        again = fetch(views[kind], pk=404)
        assert again.status_code == 404 and again["X-Cache-Status"] == "HIT"

    def test_timing_headers_when_asked(self, kind: str) -> None:
        views = make_views(timing_headers=True)
        response = fetch(views[kind], pk=1)
        assert response["X-Cached-At"].endswith("GMT") and "X-Cache-Reset-At" in response

    def test_the_handler_cache_can_be_invalidated(self, kind: str) -> None:
        views = make_views()
        fetch(views[kind], pk=1)
        cache = views[kind].get.cache
        if kind == "async":
            async_to_sync(cache.ainvalidate_all)()
        else:
            cache.invalidate_all()
        assert fetch(views[kind], pk=1)["X-Cache-Status"] == "MISS"

    def test_custom_status_header(self, kind: str) -> None:
        views = make_views(status_header="X-From-Cache")
        assert fetch(views[kind], pk=1)["X-From-Cache"] == "MISS"
