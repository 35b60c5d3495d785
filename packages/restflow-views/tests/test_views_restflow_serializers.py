"""The async views with restflow's own serializers: their async surface is used, no extra hop."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from rest_framework import serializers as drf_serializers
from rest_framework.test import APIRequestFactory

from restflow.serializers import ModelSerializer
from restflow.views import AsyncCreateAPIView, AsyncListAPIView
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


@pytest.fixture
def hops() -> Iterator[HopCounter]:
    with count_hops() as counter:
        yield counter


def _call(view_class: type, method: str, data: Any = None) -> Any:
    body = "" if data is None else json.dumps(data)
    django_request = APIRequestFactory().generic(
        method, "/", data=body, content_type="application/json"
    )
    return async_to_sync(view_class.as_view())(django_request)


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
