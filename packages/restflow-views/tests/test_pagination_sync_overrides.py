"""A paginator that implements only the sync methods answers the async ones (issue 19, item 9)."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory

from restflow.core.testing import count_hops
from restflow.pagination import (
    BasePagination,
    CursorPagination,
    FastPageNumberPagination,
    LimitOffsetPagination,
    PageNumberPagination,
)
from viewtests.models import Product

pytestmark = pytest.mark.django_db


def _request(query: str = "") -> Request:
    return Request(APIRequestFactory().get(f"/products/{query}"))


class FirstTwo(BasePagination):
    """A paginator of one's own, written the DRF way: sync methods only."""

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> Any:
        return [product.name for product in queryset.order_by("name")[:2]]

    def get_paginated_response(self, data: Any) -> Response:
        return Response({"first": data})


@pytest.fixture
def products() -> None:
    for name in ("apple", "banana", "cherry"):
        Product.objects.create(name=name, price=1)


def test_a_base_pagination_subclass_answers_both_async_methods(products: None) -> None:
    paginator = FirstTwo()
    with count_hops() as hops:
        page = async_to_sync(paginator.apaginate_queryset)(Product.objects.all(), _request())
    assert (
        page
        == paginator.paginate_queryset(Product.objects.all(), _request())
        == [
            "apple",
            "banana",
        ]
    )
    assert len(hops) == 1  # the query, in one thread hop
    response = async_to_sync(paginator.aget_paginated_response)(page)
    assert response.data == {"first": ["apple", "banana"]}


@pytest.mark.parametrize(
    "base",
    [PageNumberPagination, LimitOffsetPagination, FastPageNumberPagination, CursorPagination],
)
def test_a_sync_override_of_a_shipped_paginator_is_used_on_the_async_path(
    products: None, base: type
) -> None:
    class Overridden(base):  # type: ignore[misc, valid-type]
        ordering = "name"

        def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> Any:
            return ["overridden"]

    paginate = async_to_sync(Overridden().apaginate_queryset)
    assert paginate(Product.objects.all(), _request()) == ["overridden"]


def test_shipped_paginators_keep_their_native_async_path(products: None) -> None:
    class Pages(PageNumberPagination):
        page_size = 2

    with count_hops() as hops:
        page = async_to_sync(Pages().apaginate_queryset)(
            Product.objects.order_by("name"), _request()
        )
    assert [product.name for product in page] == ["apple", "banana"]
    assert [hop.__name__ for hop in hops] == ["count", "_evaluate"]  # no hop around the call
