"""RestflowFilterBackend inside DRF's ListAPIView and restflow's async view."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.test import AsyncClient
from rest_framework.test import APIClient

from filtertests.views import ProductFilterSet, ProductList
from restflow.filters import FilterSet, RestflowFilterBackend, StringField

pytestmark = pytest.mark.django_db


def _names(response: Any) -> list[str]:
    data = response.json()
    rows = data["results"] if isinstance(data, dict) else data
    return [row["name"] if isinstance(row, dict) else row for row in rows]


@pytest.fixture
def client() -> APIClient:
    return APIClient()


def test_list_view_filters_with_the_filterset(catalog: Any, client: APIClient) -> None:
    response = client.get("/products/", {"name__icontains": "book", "in_stock": "true"})
    assert response.status_code == 200
    assert _names(response) == ["Beta Book"]


def test_list_view_orders_and_negates(catalog: Any, client: APIClient) -> None:
    response = client.get("/products/", {"status!": "live", "order_by": "-name"})
    assert _names(response) == ["Delta Game", "Alpha Book"]


def test_invalid_values_are_a_400_envelope_with_one_entry_per_parameter(
    catalog: Any, client: APIClient
) -> None:
    response = client.get(
        "/products/", {"stock__gte": "many", "supplier": "42", "status": "gone", "name": "ok"}
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert sorted(error["details"]) == ["status", "stock__gte", "supplier"]
    assert error["details"]["supplier"] == ["Must be a valid UUID."]


def test_strict_view_accepts_its_pagination_parameters(catalog: Any, client: APIClient) -> None:
    ok = client.get("/strict-products/", {"page": "1", "size": "2", "format": "json"})
    assert ok.status_code == 200 and len(ok.json()["results"]) == 2
    bad = client.get("/strict-products/", {"nme": "x"})
    assert bad.status_code == 400
    assert bad.json()["error"]["details"] == {"nme": ["Unknown filter parameter."]}


def _aget(path: str, data: dict[str, str]) -> Any:
    # async_to_sync keeps the ORM's thread hops on this thread's connection (SQLite in memory)
    return async_to_sync(AsyncClient().get)(path, data)


def test_async_view_awaits_afilter_queryset(catalog: Any) -> None:
    response = _aget("/async-products/", {"stock__gte": "12"})
    assert response.status_code == 200
    assert response.json() == ["Gamma Game", "Delta Game"]


def test_async_view_invalid_input_is_a_400(catalog: Any) -> None:
    response = _aget("/async-products/", {"stock__gte": "x"})
    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"stock__gte": ["A valid integer is required."]}


class _Other(FilterSet):
    name = StringField(lookups=["iexact"])


class _HookView:
    def __init__(self, **attrs: Any) -> None:
        vars(self).update(attrs)


def test_view_hooks_choose_the_filterset(catalog: Any, rf: Any) -> None:
    from rest_framework.request import Request

    from filtertests.models import Product

    backend = RestflowFilterBackend()
    request = Request(rf.get("/", {"name__iexact": "beta book", "stock__gte": "100"}))
    by_class = _HookView(get_filterset_class=lambda: _Other)
    assert [p.name for p in backend.filter_queryset(request, Product.objects.all(), by_class)] == [
        "Beta Book"
    ]
    made: list[Any] = []

    def get_filterset(request: Any, queryset: Any) -> FilterSet:
        made.append(queryset)
        return _Other(request=request)

    by_instance = _HookView(get_filterset=get_filterset, filterset_class=ProductFilterSet)
    assert len(backend.filter_queryset(request, Product.objects.all(), by_instance)) == 1
    assert len(made) == 1
    assert backend.filter_queryset(request, Product.objects.all(), _HookView()).count() == 4


def test_a_view_without_a_restflow_filterset_class_is_refused() -> None:
    with pytest.raises(TypeError, match="must be a restflow FilterSet subclass"):
        RestflowFilterBackend().get_filterset_class(_HookView(filterset_class=dict))


def test_schema_lists_every_parameter_with_its_type() -> None:
    parameters = RestflowFilterBackend().get_schema_operation_parameters(ProductList())
    by_name = {parameter["name"]: parameter for parameter in parameters}
    assert set(by_name) == set(ProductFilterSet.get_parameters()) | {"order_by"}
    assert by_name["stock__gte"]["schema"] == {"type": "integer"}
    assert by_name["stock__gte!"]["description"] == "Excludes what stock__gte matches."
    assert by_name["in_stock"]["schema"] == {"type": "boolean"}
    assert by_name["supplier"]["schema"] == {"type": "string", "format": "uuid"}
    assert by_name["status"]["schema"] == {
        "type": "string",
        "enum": ["draft", "live", "archived"],
    }
    assert by_name["stock__range"]["schema"] == {"type": "array", "items": {"type": "integer"}}
    assert by_name["stock__range"]["explode"] is False
    assert by_name["order_by"]["schema"]["items"]["enum"] == ["name", "-name", "price", "-price"]
    assert all(parameter["in"] == "query" for parameter in parameters)
