"""Page numbers, offsets and sizes beyond the database's integers never reach it.

LIMIT/OFFSET are signed 64-bit on every database restflow supports: a bigger value
is "datatype mismatch" on SQLite and "bigint out of range" on PostgreSQL (a 500).
The paginators answer as they do for any page past the end instead.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from restflow.pagination import (
    FastPageNumberPagination,
    LimitOffsetPagination,
    PageNumberPagination,
)
from viewtests.asgi import request as asgi_request
from viewtests.models import Product
from viewtests.serializers import ProductSerializer

pytestmark = pytest.mark.django_db

PATHS = ["sync", "async"]
MAX_ROW = 2**63 - 1
HUGE = 99999999999999999999  # the fuzzer's page number: beyond 64 bits


class Fast(FastPageNumberPagination):
    page_size = 3
    page_size_query_param = "size"
    invalid_page_message = "Invalid page {page_number}: {message}"


class Pages(PageNumberPagination):
    page_size = 3
    page_size_query_param = "size"


class PlainFast(FastPageNumberPagination):
    page_size = 3


class PlainPages(PageNumberPagination):
    page_size = 3


class Window(LimitOffsetPagination):
    default_limit = 3


@pytest.fixture
def rows() -> Any:
    for i in range(10):
        Product.objects.create(name=f"p{i}", price=i)
    return Product.objects.order_by("price")


def _paginate(paginator: Any, path: str, queryset: Any, **query: Any) -> Any:
    request = Request(APIRequestFactory().get("/items/", query))
    if path == "sync":
        return paginator.paginate_queryset(queryset, request)
    return async_to_sync(paginator.apaginate_queryset)(queryset, request)


def _prices(page: Any) -> list[int]:
    return [int(product.price) for product in page]


class TestFastPageNumber:
    @pytest.mark.parametrize("path", PATHS)
    @pytest.mark.parametrize("page", [HUGE, MAX_ROW, (MAX_ROW - 4) // 3 + 2])
    def test_a_page_past_the_databases_integers_is_the_empty_page_404_without_a_query(
        self, rows: Any, path: str, page: int
    ) -> None:
        with (
            CaptureQueriesContext(connection) as queries,
            pytest.raises(NotFound) as info,
        ):
            _paginate(Fast(), path, rows, page=page)
        assert str(info.value.detail) == f"Invalid page {page}: That page contains no results"
        assert len(queries) == 0

    @pytest.mark.parametrize("path", PATHS)
    def test_the_last_page_the_database_can_take_is_queried_and_empty(
        self, rows: Any, path: str
    ) -> None:
        page = (MAX_ROW - 4) // 3 + 1  # OFFSET + LIMIT == at most MAX_ROW
        with (
            CaptureQueriesContext(connection) as queries,
            pytest.raises(NotFound, match="That page contains no results"),
        ):
            _paginate(Fast(), path, rows, page=page)
        assert len(queries) == 1

    @pytest.mark.parametrize("path", PATHS)
    @pytest.mark.parametrize("paginator", [Fast, Pages])
    def test_a_huge_page_size_means_every_row(
        self, rows: Any, path: str, paginator: type[Any]
    ) -> None:
        assert _prices(_paginate(paginator(), path, rows, size=HUGE)) == list(range(10))

    @pytest.mark.parametrize("path", PATHS)
    def test_a_huge_page_size_on_page_two_is_the_empty_page_404(self, rows: Any, path: str) -> None:
        with pytest.raises(NotFound, match="That page contains no results"):
            _paginate(Fast(), path, rows, size=HUGE, page=2)

    @pytest.mark.parametrize("path", PATHS)
    @pytest.mark.parametrize("paginator", [PlainFast, PlainPages])
    def test_both_page_number_paginators_answer_a_huge_page_the_same(
        self, rows: Any, path: str, paginator: type[Any]
    ) -> None:
        with pytest.raises(NotFound) as info:
            _paginate(paginator(), path, rows, page=HUGE)
        assert str(info.value.detail) == "Invalid page."


class _FastList(generics.ListAPIView):  # type: ignore[type-arg]
    queryset = Product.objects.order_by("pk")
    serializer_class = ProductSerializer
    pagination_class = PlainFast


class TestFastPageNumberOverHttp:
    """The 404 in restflow's error envelope, from a sync DRF view and an async restflow view."""

    def _get(self, path: str, page: int) -> tuple[int, dict[str, Any]]:
        if path == "sync":
            response = _FastList.as_view()(APIRequestFactory().get("/items/", {"page": page}))
            response.render()
            return response.status_code, json.loads(response.content)
        answer = asgi_request("GET", "/products/fast/", query={"page": page})
        return answer.status, answer.json

    @pytest.mark.parametrize("path", PATHS)
    def test_a_huge_page_is_a_404_envelope(self, rows: Any, path: str) -> None:
        status, body = self._get(path, HUGE)
        assert status == 404
        assert body["error"]["code"] == "not_found"
        assert body["error"]["message"] == "Invalid page."


class TestLimitOffset:
    @pytest.mark.parametrize("path", PATHS)
    @pytest.mark.parametrize(
        ("query", "prices"),
        [
            ({"limit": HUGE}, list(range(10))),
            ({"limit": HUGE, "offset": 4}, [4, 5, 6, 7, 8, 9]),
            ({"limit": MAX_ROW, "offset": 8}, [8, 9]),
        ],
    )
    def test_a_limit_past_the_databases_integers_means_every_row(
        self, rows: Any, path: str, query: dict[str, Any], prices: list[int]
    ) -> None:
        paginator = Window()
        assert _prices(_paginate(paginator, path, rows, **query)) == prices
        assert paginator.offset + paginator.limit <= MAX_ROW
        body = paginator.get_paginated_response([]).data
        assert (body["count"], body["next"]) == (10, None)

    @pytest.mark.parametrize("path", PATHS)
    @pytest.mark.parametrize("query", [{"offset": HUGE}, {"offset": HUGE, "limit": HUGE}])
    def test_an_offset_past_the_databases_integers_is_an_empty_page(
        self, rows: Any, path: str, query: dict[str, Any]
    ) -> None:
        paginator = Window()
        with CaptureQueriesContext(connection) as queries:
            assert _paginate(paginator, path, rows, **query) == []
        assert len(queries) == 1 and "COUNT(" in queries[0]["sql"].upper()
        assert paginator.get_paginated_response([]).data["count"] == 10
