"""Service viewsets: one spec per action (bare callable or spec), composing with ``action_configs``.

The same cases on ``ServiceViewSet`` and ``AsyncServiceViewSet``; their
callables mix sync and async, which each decides for itself.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.test import APIRequestFactory

from restflow.services import (
    AsyncServiceViewSet,
    SelectorSpec,
    ServiceSpec,
    ServiceViewSet,
    acreate_from_input,
)
from restflow.test import AsyncAPIRequestFactory
from restflow.views import ActionConfig
from viewtests.models import Product

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("close_async_connections"),
]


class ProductIn(serializers.Serializer):
    name = serializers.CharField()
    price = serializers.IntegerField(required=False)


class ProductOut(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "name", "price"]


class NameOnly(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["name"]


def list_products(*, request: Any) -> Any:
    return Product.objects.order_by("id")


async def aget_product(*, pk: str) -> Product | None:
    return await Product.objects.filter(pk=pk).afirst()


async def acreate_product(*, data: dict[str, Any]) -> Product:
    return (await acreate_from_input(Product, data)).instance


def discount(*, instance: Product, data: dict[str, Any]) -> dict[str, int]:
    instance.price -= int(data["by"])
    instance.save(update_fields=["price"])
    return {"price": instance.price}


SPECS = {
    "list": list_products,
    "retrieve": aget_product,
    "create": ServiceSpec(
        service=acreate_product, input_serializer=ProductIn, output_serializer=ProductOut
    ),
    "discount": ServiceSpec(service=discount),
}


class ProductServices(ServiceViewSet):
    queryset = Product.objects.all()
    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []
    pagination_class = None
    serializer_class = ProductOut
    service_specs = SPECS
    action_configs = {
        "list": ActionConfig(response_serializer_class=NameOnly),
        "create": ActionConfig(permission_classes=[IsAuthenticated]),
    }

    @action(detail=True, methods=["post"])
    def discount(self, request: Any, pk: str) -> Any:
        return self.respond()


class AsyncProductServices(AsyncServiceViewSet):
    queryset = Product.objects.all()
    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []
    pagination_class = None
    serializer_class = ProductOut
    service_specs = SPECS
    action_configs = ProductServices.action_configs

    @action(detail=True, methods=["post"])
    async def discount(self, request: Any, pk: str) -> Any:
        return await self.arespond()


VIEWSETS = pytest.mark.parametrize(
    "viewset", [ProductServices, AsyncProductServices], ids=["sync", "async"]
)


def answer(
    viewset: Any, actions: dict[str, str], method: str, data: Any = None, **kwargs: Any
) -> Any:
    view = viewset.as_view(actions)
    if viewset is AsyncProductServices:
        response = async_to_sync(view)(
            getattr(AsyncAPIRequestFactory(), method)("/p/", data), **kwargs
        )
    else:
        response = view(getattr(APIRequestFactory(), method)("/p/", data, format="json"), **kwargs)
    response.render()
    return response.status_code, (json.loads(response.content) if response.content else None)


@VIEWSETS
def test_list_runs_the_bare_selector_and_renders_with_the_actions_serializer(viewset: Any) -> None:
    Product.objects.create(name="ink", price=2)
    assert answer(viewset, {"get": "list"}, "get") == (200, [{"name": "ink"}])


@VIEWSETS
def test_retrieve_runs_an_async_selector_with_the_lookup_kwarg(viewset: Any) -> None:
    product = Product.objects.create(name="ink", price=2)
    got = answer(viewset, {"get": "retrieve"}, "get", pk=str(product.pk))
    assert got == (200, {"id": product.pk, "name": "ink", "price": 2})
    assert answer(viewset, {"get": "retrieve"}, "get", pk="0")[0] == 404


@VIEWSETS
def test_action_configs_apply_to_service_actions(viewset: Any) -> None:
    status, body = answer(viewset, {"post": "create"}, "post", {"name": "ink"})
    assert (status, body["error"]["code"]) == (403, "permission_denied")
    assert not Product.objects.exists()


@VIEWSETS
def test_a_custom_action_runs_its_own_spec_with_the_instance(viewset: Any) -> None:
    product = Product.objects.create(name="ink", price=10)
    got = answer(viewset, {"post": "discount"}, "post", {"by": 3}, pk=product.pk)
    assert got == (200, {"price": 7})
    assert Product.objects.get().price == 7


@VIEWSETS
def test_only_the_actions_named_in_service_specs_get_a_handler(viewset: Any) -> None:
    assert callable(viewset.list) and callable(viewset.create)
    for missing in ("update", "partial_update", "destroy"):
        assert not hasattr(viewset, missing)


def test_the_async_viewsets_handlers_are_async() -> None:
    view = AsyncProductServices.as_view({"get": "list", "post": "create"})
    assert view is not None  # AsyncViewSetMixin refuses sync handlers when the URL is built


@pytest.mark.parametrize("base", [ServiceViewSet, AsyncServiceViewSet], ids=["sync", "async"])
def test_bad_service_specs_are_refused_naming_the_action(base: Any) -> None:
    def needs_shelf(*, shelf: Any) -> list[Any]:
        return []

    viewset = type("Bad", (base,), {"service_specs": {"list": needs_shelf}})
    with pytest.raises(TypeError, match=r"needs_shelf declares parameter 'shelf'"):
        viewset.as_view({"get": "list"})
    wrong = type("Wrong", (base,), {"service_specs": {"list": ServiceSpec(service=needs_shelf)}})
    with pytest.raises(
        TypeError, match=r"Wrong.service_specs\['list'\]: a ServiceSpec where a selector"
    ):
        wrong.as_view({"get": "list"})
    with pytest.raises(TypeError, match=r"service_specs must be a dict"):
        type("NotADict", (base,), {"service_specs": [needs_shelf]})
    assert SelectorSpec(selector=needs_shelf, url_kwargs=("shelf",)).injection.required == {"shelf"}
