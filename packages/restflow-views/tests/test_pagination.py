"""The four paginators: the sync and async paths give the same answers for the same input."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from restflow.pagination import (
    CursorPagination,
    FastPageNumberPagination,
    LimitOffsetPagination,
    PageNumberPagination,
)
from viewtests.models import Product

pytestmark = pytest.mark.django_db

PATHS = ["sync", "async"]


class Pages(PageNumberPagination):
    page_size = 3
    page_size_query_param = "size"
    max_page_size = 4


class Fast(FastPageNumberPagination):
    page_size = 3
    page_size_query_param = "size"
    max_page_size = 4


class Window(LimitOffsetPagination):
    default_limit = 3


class Cursor(CursorPagination):
    page_size = 3
    ordering = "price"


@pytest.fixture
def rows() -> Any:
    for i in range(10):
        Product.objects.create(name=f"p{i}", price=i)
    return Product.objects.order_by("price")


def _request(**query: Any) -> Request:
    return Request(APIRequestFactory().get("/items/", query))


def _paginate(paginator: Any, path: str, queryset: Any, request: Request) -> Any:
    if path == "sync":
        return paginator.paginate_queryset(queryset, request)
    return async_to_sync(paginator.apaginate_queryset)(queryset, request)


def _page(cls: type, path: str, queryset: Any, **query: Any) -> tuple[list[int], Any]:
    paginator = cls()
    page = _paginate(paginator, path, queryset, _request(**query))
    body = paginator.get_paginated_response([p.price for p in page]).data
    return [p.price for p in page], body


class TestPageNumber:
    @pytest.mark.parametrize("path", PATHS)
    @pytest.mark.parametrize(
        ("query", "prices"),
        [
            ({}, [0, 1, 2]),
            ({"page": 2}, [3, 4, 5]),
            ({"page": "last"}, [9]),
            ({"size": 2, "page": 2}, [2, 3]),
            ({"size": 50}, [0, 1, 2, 3]),
        ],
    )
    def test_pages(self, rows, path, query, prices):
        got, body = _page(Pages, path, rows, **query)
        assert got == prices
        assert body["count"] == 10

    @pytest.mark.parametrize("path", PATHS)
    @pytest.mark.parametrize(
        ("page", "reason"),
        [
            ("9", "That page contains no results"),
            ("x", "That page number is not an integer"),
            ("0", "That page number is less than 1"),
        ],
    )
    def test_invalid_page_is_drfs_404(self, rows, path, page, reason):
        with pytest.raises(NotFound) as caught:
            _paginate(Pages(), path, rows, _request(page=page))
        assert str(caught.value.detail) == "Invalid page."
        assert reason in str(caught.value.__cause__)

    @pytest.mark.parametrize("path", PATHS)
    def test_count_then_page_queries(self, rows, path):
        with CaptureQueriesContext(connection) as queries:
            _page(Pages, path, rows, page=2)
        assert len(queries) == 2

    @pytest.mark.parametrize("path", PATHS)
    def test_empty_queryset_is_one_empty_page(self, db, path):
        got, body = _page(Pages, path, Product.objects.order_by("pk"))
        assert (got, body["count"], body["next"]) == ([], 0, None)

    def test_async_matches_sync_links(self, rows):
        assert _page(Pages, "sync", rows, page=2)[1] == _page(Pages, "async", rows, page=2)[1]


class TestFastPageNumber:
    @pytest.mark.parametrize("path", PATHS)
    def test_never_counts_one_query_per_page(self, rows, path):
        with CaptureQueriesContext(connection) as queries:
            got, body = _page(Fast, path, rows, page=2)
        assert got == [3, 4, 5]
        assert len(queries) == 1
        assert "COUNT(" not in queries[0]["sql"].upper()
        assert "LIMIT 4" in queries[0]["sql"].upper()
        assert set(body) == {"next", "previous", "results"}
        assert body["next"] == "http://testserver/items/?page=3"
        assert body["previous"] == "http://testserver/items/"

    @pytest.mark.parametrize("path", PATHS)
    def test_last_full_page_has_no_next(self, rows, path):
        got, body = _page(Fast, path, rows, page=4)
        assert got == [9]
        assert body["next"] is None
        _got, exact = _page(Fast, path, rows, size=2, page=5)
        assert exact["next"] is None

    @pytest.mark.parametrize("path", PATHS)
    def test_page_size_query_param_and_max(self, rows, path):
        assert _page(Fast, path, rows, size=2, page=2)[0] == [2, 3]
        assert _page(Fast, path, rows, size=99)[0] == [0, 1, 2, 3]

    @pytest.mark.parametrize("path", PATHS)
    @pytest.mark.parametrize("page", ["5", "0", "x", "last"])
    def test_invalid_pages_are_404(self, rows, path, page):
        with pytest.raises(NotFound, match="Invalid page"):
            _paginate(Fast(), path, rows, _request(page=page))

    @pytest.mark.parametrize("path", PATHS)
    def test_empty_first_page_is_not_an_error(self, db, path):
        got, body = _page(Fast, path, Product.objects.order_by("pk"))
        assert (got, body["next"], body["previous"]) == ([], None, None)

    def test_schema_has_no_count(self):
        schema = Fast().get_paginated_response_schema({"type": "array"})
        assert set(schema["properties"]) == {"next", "previous", "results"}


class TestLimitOffset:
    @pytest.mark.parametrize("path", PATHS)
    @pytest.mark.parametrize(
        ("query", "prices"),
        [
            ({}, [0, 1, 2]),
            ({"offset": 8}, [8, 9]),
            ({"limit": 2, "offset": 4}, [4, 5]),
            ({"offset": 20}, []),
        ],
    )
    def test_windows(self, rows, path, query, prices):
        got, body = _page(Window, path, rows, **query)
        assert got == prices
        assert body["count"] == 10


class TestCursor:
    @pytest.mark.parametrize("path", PATHS)
    def test_cursor_walks_forward(self, rows, path):
        paginator = Cursor()
        first = _paginate(paginator, path, rows, _request())
        assert [p.price for p in first] == [0, 1, 2]
        next_url = paginator.get_next_link()
        cursor = next_url.split("cursor=")[1]
        second = _paginate(Cursor(), path, rows, _request(cursor=cursor))
        assert [p.price for p in second] == [3, 4, 5]

    def test_bad_cursor_is_404(self, rows):
        with pytest.raises(NotFound):
            _paginate(Cursor(), "async", rows, _request(cursor="garbage"))
