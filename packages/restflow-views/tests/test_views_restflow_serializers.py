"""The async views with restflow's own serializers: their async surface is used, no extra hop."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from rest_framework import serializers as drf_serializers
from rest_framework.serializers import BaseSerializer
from rest_framework.test import APIRequestFactory

from restflow.pagination import FastPageNumberPagination
from restflow.serializers import ModelSerializer
from restflow.views import AsyncCreateAPIView, AsyncListAPIView, GenericAPIView, ListModelMixin
from sertests.hops import HopCounter, count_hops
from viewtests.models import Product

pytestmark = pytest.mark.django_db


class TypedProductSerializer(ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "name", "price"]

    async def validate_price(self, value: int) -> int:
        if value <= 0:
            raise drf_serializers.ValidationError("must be positive")
        return value


class TypedCreate(AsyncCreateAPIView):
    queryset = Product.objects.all()
    serializer_class = TypedProductSerializer


class TypedList(AsyncListAPIView):
    queryset = Product.objects.all()
    serializer_class = TypedProductSerializer
    pagination_class = None


class TwoPerPage(FastPageNumberPagination):
    page_size = 2


class TypedFastList(TypedList):
    pagination_class = TwoPerPage


class SyncTypedList(ListModelMixin, GenericAPIView):
    queryset = Product.objects.all()
    serializer_class = TypedProductSerializer
    pagination_class = None

    def get(self, request: Any) -> Any:
        return self.list(request)


class SyncTypedFastList(SyncTypedList):
    pagination_class = TwoPerPage


@pytest.fixture
def hops() -> Iterator[HopCounter]:
    with count_hops() as counter:
        yield counter


def _call(view_class: type, method: str, data: Any = None) -> Any:
    body = "" if data is None else json.dumps(data)
    django_request = APIRequestFactory().generic(
        method, "/", data=body, content_type="application/json"
    )
    view = view_class.as_view()
    return async_to_sync(view)(django_request) if view_class.view_is_async else view(django_request)


def test_create_awaits_async_validation_and_saves_in_one_hop(hops):
    response = _call(TypedCreate, "POST", {"name": "fig", "price": 3})
    assert response.status_code == 201
    assert response.data == {"id": Product.objects.get().pk, "name": "fig", "price": 3}
    # validation ran on the loop; only the save (one hop) touched the database
    assert hops.names == ["create"]


def test_async_field_validator_refusal_is_a_400(hops):
    response = _call(TypedCreate, "POST", {"name": "fig", "price": 0})
    assert response.status_code == 400
    assert response.data["error"]["details"] == {"price": ["must be positive"]}
    assert hops.names == []
    assert not Product.objects.exists()


def test_list_renders_on_the_loop_after_one_query_hop(hops):
    Product.objects.create(name="a", price=1)
    Product.objects.create(name="b", price=2)
    response = _call(TypedList, "GET")
    assert [row["name"] for row in response.data] == ["a", "b"]
    assert hops.names == ["_evaluate"]


@pytest.mark.parametrize("view_class", [TypedList, TypedFastList, SyncTypedList, SyncTypedFastList])
def test_a_list_response_leaves_nothing_for_the_cycle_collector(view_class):
    Product.objects.bulk_create(Product(name=name, price=1) for name in "abc")
    assert _call(view_class, "GET").status_code == 200  # first use: the row plan is built
    gc.collect()
    gc.disable()
    try:
        response = _call(view_class, "GET")
        assert response.status_code == 200
        response.close()  # as Django's handlers do once the response is sent
        del response
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        kept = [o for o in gc.garbage if isinstance(o, (Product, BaseSerializer))]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    # the page's rows and the serializers were freed by reference counting
    assert kept == []
