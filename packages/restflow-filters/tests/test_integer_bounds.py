"""Integer filters on integer columns take the column's range (a 400, never an overflow).

The range is the database's (``connection.ops.integer_field_range``): 64 bits
for every integer column on SQLite, 32 bits for ``integer`` columns on
PostgreSQL. Each test runs in both passes of the hatch ``filters`` env.
"""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from conftest import ON_POSTGRES
from django.db import connection
from django.test import AsyncClient
from rest_framework.test import APIClient

from filtertests.data import apply, query
from filtertests.models import Product
from restflow.filters import FilterSet, IntegerField, ListField, RelatedField

HUGE = 99999999999999999999999  # beyond 64 bits: overflows every driver


def _high(internal_type: str) -> int:
    return int(connection.ops.integer_field_range(internal_type)[1])


def _low(internal_type: str) -> int:
    return int(connection.ops.integer_field_range(internal_type)[0])


class FromModel(FilterSet):
    class Meta:
        model = Product
        fields = ["id", "stock", "category"]
        extra_kwargs = {"id": {"lookups": ["in", "range", "gt"]}}


class Declared(FilterSet):
    stock = IntegerField(lookups=["comparison", "in"])
    at_least = IntegerField(filter_by="stock__gte")
    capped = IntegerField(db_field="stock", lookups=["lte"], max_value=100)
    stocks = ListField(child=int, db_field="stock")
    category_id = IntegerField(db_field="category__id")
    category = RelatedField(fields=["id"])

    class Meta:
        model = Product


def _errors(filterset: type[FilterSet], data: dict[str, Any]) -> dict[str, list[str]]:
    instance = filterset(data=query(data))
    assert not instance.is_valid()
    return instance.errors


def _too_big(high: int) -> list[str]:
    return [f"Ensure this value is less than or equal to {high}."]


# -- filters derived from model fields ------------------------------------------------


@pytest.mark.parametrize(
    ("param", "value"),
    [("id", HUGE), ("stock", HUGE), ("category", HUGE), ("id__gt", HUGE), ("stock", -HUGE)],
)
def test_a_model_integer_filter_beyond_any_column_is_a_validation_error(
    param: str, value: int
) -> None:
    errors = _errors(FromModel, {param: value})
    assert list(errors) == [param]
    assert errors[param][0].startswith("Ensure this value is")


def test_in_and_range_name_the_item_beyond_the_column_range() -> None:
    high = _high("AutoField")
    errors = _errors(FromModel, {"id__in": f"1,{HUGE}", "id__range": f"{high + 1},1"})
    assert errors == {
        "id__in": [f"Item 2: {_too_big(high)[0]}"],
        "id__range": [f"Item 1: {_too_big(high)[0]}"],
    }


@pytest.mark.parametrize("internal_type", ["AutoField", "IntegerField"])
def test_the_bound_is_the_columns_range_on_this_database(
    catalog: Any, mode: str, internal_type: str
) -> None:
    param = "id" if internal_type == "AutoField" else "stock"
    high, low = _high(internal_type), _low(internal_type)
    assert apply(FromModel, {param: high}, mode) == []
    assert apply(FromModel, {param: low}, mode) == []
    assert _errors(FromModel, {param: high + 1}) == {param: _too_big(high)}


def test_a_foreign_key_takes_the_range_of_the_key_it_points_at(catalog: Any, mode: str) -> None:
    high = _high("AutoField")
    assert apply(FromModel, {"category": high}, mode) == []
    assert _errors(FromModel, {"category": high + 1}) == {"category": _too_big(high)}


def test_on_postgres_an_integer_column_is_32_bits() -> None:
    if not ON_POSTGRES:
        assert _high("IntegerField") == 2**63 - 1  # SQLite stores 64 bits in any integer column
    else:
        assert _high("IntegerField") == 2**31 - 1
    assert _errors(FromModel, {"stock": 2**63}) == {"stock": _too_big(_high("IntegerField"))}


# -- explicitly declared integer filters on integer columns -----------------------------


@pytest.mark.parametrize(
    "param", ["stock", "stock__gte", "stock__in", "at_least", "stocks", "category_id"]
)
def test_declared_integer_filters_take_the_column_range(param: str) -> None:
    high = _high("IntegerField" if "category" not in param else "AutoField")
    errors = _errors(Declared, {param: HUGE})
    message = _too_big(high)[0]
    assert errors == {
        param: [f"Item 1: {message}" if param in ("stock__in", "stocks") else message]
    }


def test_related_field_filters_take_the_related_columns_range() -> None:
    assert _errors(Declared, {"category__id": HUGE}) == {
        "category__id": _too_big(_high("AutoField"))
    }


def test_a_declared_bound_inside_the_column_range_still_wins() -> None:
    assert _errors(Declared, {"capped__lte": 101}) == {"capped__lte": _too_big(100)}


def test_values_inside_the_range_filter_as_before(catalog: Any, mode: str) -> None:
    rows = apply(Declared, {"stock__in": "0,12", "at_least": 5}, mode)
    assert [row.stock for row in rows] == [12]


def test_a_filterset_without_a_model_leaves_integers_unbounded() -> None:
    class NoModel(FilterSet):
        stock = IntegerField()

    instance = NoModel(data=query({"stock": HUGE}))
    assert instance.is_valid()
    assert instance.validated_data == {"stock": HUGE}


# -- through HTTP: a 400 in restflow's envelope, sync and async views -------------------


def _get(path: str, params: dict[str, Any], mode: str) -> tuple[int, dict[str, Any]]:
    if mode == "sync":
        response = APIClient().get(path, params)
    else:
        response = async_to_sync(AsyncClient().get)(path, params)
    return response.status_code, response.json()


@pytest.mark.parametrize("param", ["category", "stock__gt"])
def test_an_out_of_range_value_is_a_400_naming_the_parameter(
    catalog: Any, mode: str, param: str
) -> None:
    path = "/products/" if mode == "sync" else "/async-products/"
    status, body = _get(path, {param: str(HUGE)}, mode)
    assert status == 400
    assert body["error"]["code"] == "validation_error"
    assert list(body["error"]["details"]) == [param]


# -- PostgreSQL arrays of integers ---------------------------------------------------


@pytest.mark.skipif(not ON_POSTGRES, reason="runs in the PostgreSQL pass")
def test_an_integer_array_checks_each_item_against_the_element_range() -> None:
    from pgfiltertests.models import Article

    class Scores(FilterSet):
        scores = ListField(child=IntegerField(), lookups=["pg_array"])

        class Meta:
            model = Article

    assert _errors(Scores, {"scores__contains": f"1,{2**31}"}) == {
        "scores__contains": [f"Item 2: {_too_big(2**31 - 1)[0]}"]
    }
