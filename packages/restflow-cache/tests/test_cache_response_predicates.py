"""``cache_response(cache_if=..., cache_unless=..., ttl=callable)`` and a callable ``ttl`` given
the call's arguments (issue 19, item 14), on sync and async handlers."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from rest_framework.response import Response
from rest_framework.views import APIView

from cachetests.responses import fetch
from restflow.caching import cache_response, cache_result
from restflow.core import BaseAsyncAPIView


def views(**options: Any) -> dict[str, Any]:
    seen: list[tuple[Any, ...]] = []

    def answer(request: Any, pk: int) -> Response:
        if request.query_params.get("draft"):
            return Response({"pk": pk, "draft": True}, headers={"X-Draft": "1"})
        return Response({"pk": pk})

    class SyncView(APIView):
        authentication_classes: list[Any] = []
        permission_classes: list[Any] = []

        @cache_response(**options)
        def get(self, request: Any, pk: int = 0) -> Response:
            return answer(request, pk)

    class AsyncView(BaseAsyncAPIView):
        authentication_classes: list[Any] = []
        permission_classes: list[Any] = []

        @cache_response(**options)
        async def get(self, request: Any, pk: int = 0) -> Response:
            return answer(request, pk)

    return {"sync": SyncView, "async": AsyncView, "seen": seen}


@pytest.fixture(params=["sync", "async"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_cache_unless_keeps_matching_responses_out(kind: str) -> None:
    view = views(ttl=60, cache_unless=lambda response, *args, **kwargs: "X-Draft" in response)
    fetch(view[kind], "/items/1?draft=1")
    assert fetch(view[kind], "/items/1?draft=1")["X-Cache-Status"] == "MISS"
    fetch(view[kind])
    assert fetch(view[kind])["X-Cache-Status"] == "HIT"


def test_cache_if_gets_the_response_and_the_handler_s_arguments(kind: str) -> None:
    calls: list[tuple[Any, ...]] = []

    def only_even(response: Any, view: Any, request: Any, *args: Any, **kwargs: Any) -> bool:
        calls.append((response.status_code, type(view).__name__, request.path, kwargs))
        return kwargs["pk"] % 2 == 0

    view = views(ttl=60, cache_if=only_even)
    fetch(view[kind], pk=1), fetch(view[kind], pk=2)
    assert fetch(view[kind], pk=1)["X-Cache-Status"] == "MISS"
    assert fetch(view[kind], pk=2)["X-Cache-Status"] == "HIT"
    assert calls[0] == (200, f"{kind.capitalize()}View", "/items/1", {"pk": 1})


def test_a_callable_ttl_gets_the_response_and_the_arguments(kind: str) -> None:
    seen: list[Any] = []

    def ttl(response: Any, view: Any, request: Any, **kwargs: Any) -> int | None:
        seen.append(kwargs["pk"])
        return None if kwargs["pk"] == 3 else 0  # 0: do not store

    view = views(ttl=ttl)
    fetch(view[kind], pk=3), fetch(view[kind], pk=4)
    assert fetch(view[kind], pk=3)["X-Cache-Status"] == "HIT"  # None: no expiry
    assert fetch(view[kind], pk=4)["X-Cache-Status"] == "MISS"
    assert seen[:2] == [3, 4]


@pytest.mark.parametrize("path", ["sync", "async"])
def test_cache_result_ttl_gets_the_call_arguments_too(path: str) -> None:
    @cache_result(ttl=lambda value, user_id, scope: 60 if scope == "full" else 0)
    def payload(user_id: int, scope: str) -> str:
        return f"{user_id}:{scope}"

    @cache_result(ttl=lambda value, user_id, scope: 60 if scope == "full" else 0)
    async def apayload(user_id: int, scope: str) -> str:
        return f"{user_id}:{scope}"

    if path == "sync":
        payload(1, "full"), payload(1, "short")
        statuses = [payload.get_with_metadata(1, s)[1]["cache_status"] for s in ("full", "short")]
    else:

        async def run() -> list[str]:
            await apayload(1, "full"), await apayload(1, "short")
            return [
                (await apayload.aget_with_metadata(1, s))[1]["cache_status"]
                for s in ("full", "short")
            ]

        statuses = async_to_sync(run)()
    assert statuses == ["HIT", "MISS"]


def test_a_one_argument_ttl_keeps_working() -> None:
    @cache_result(ttl=lambda value: 60)
    def one(n: int) -> int:
        return n

    one(1)
    assert one.get_with_metadata(1)[1]["cache_status"] == "HIT"
