"""Bad input: one error per offending parameter, caps, strict mode, no ORM injection."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.exceptions import ValidationError

from filtertests.data import apply, query
from filtertests.models import Product
from restflow.filters import DateField, FilterSet, IntegerField, ListField, StringField


class Checked(FilterSet):
    name = StringField(lookups=["text"])
    stock = IntegerField(lookups=["basic", "comparison"], min_value=0)
    released = DateField(lookups=["date"])
    tags = ListField(child=int, filter_by=lambda values: {"stock__in": values}, max_list_size=3)

    class Meta:
        model = Product
        max_list_size = 4


def _errors(data: dict[str, Any], filterset: type[FilterSet] = Checked) -> dict[str, list[str]]:
    instance = filterset(data=query(data))
    assert not instance.is_valid()
    return instance.errors


def test_each_invalid_parameter_gets_its_own_entry() -> None:
    errors = _errors({"stock": "abc", "stock__gte": "-1", "released__month": "13", "name": "ok"})
    assert errors == {
        "stock": ["A valid integer is required."],
        "stock__gte": ["Ensure this value is greater than or equal to 0."],
        "released__month": ["Ensure this value is less than or equal to 12."],
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"stock__range": "1"}, "Give exactly 2 comma-separated values (start,end); got 1."),
        ({"stock__range": "1,2,3"}, "Give exactly 2 comma-separated values (start,end); got 3."),
        ({"stock__range": "1,x"}, "Item 2: A valid integer is required."),
        ({"stock__in": "1,two,3"}, "Item 2: A valid integer is required."),
        ({"stock__in": "1,2,3,4,5"}, "Give at most 4 values; got 5."),
        ({"tags": "1,2,3,4"}, "Give at most 3 values; got 4."),
        ({"stock__isnull": "maybe"}, "Must be a valid boolean."),
    ],
)
def test_malformed_list_range_and_bool_values_are_rejected(
    data: dict[str, Any], message: str
) -> None:
    assert _errors(data) == {next(iter(data)): [message]}


def test_the_list_cap_counts_repeated_and_comma_separated_values_together() -> None:
    assert _errors({"stock__in": ["1,2", "3", "4,5"]}) == {
        "stock__in": ["Give at most 4 values; got 5."]
    }


def test_repeated_and_comma_separated_list_values_combine(catalog: Any, mode: str) -> None:
    rows = apply(Checked, {"stock__in": ["0", "5,12"]}, mode)
    assert [row.stock for row in rows] == [0, 5, 12]


def test_invalid_input_raises_drf_validation_error_before_any_query(
    catalog: Any, mode: str
) -> None:
    with CaptureQueriesContext(connection) as queries, pytest.raises(ValidationError) as info:
        apply(Checked, {"stock": "x", "name__icontains": "a"}, mode)
    assert info.value.detail == {"stock": ["A valid integer is required."]}
    assert len(queries) == 0


def test_empty_values_count_as_absent(catalog: Any, mode: str) -> None:
    assert len(apply(Checked, {"stock": "", "name__icontains": ""}, mode)) == 4


def test_undeclared_lookups_and_paths_never_reach_the_orm(catalog: Any, mode: str) -> None:
    data = {
        "stock__regex": ".*",
        "name__iregex": "^A",
        "category__name": "Books",
        "supplier__name__startswith": "A",
        "password": "x",
    }
    with CaptureQueriesContext(connection) as queries:
        rows = apply(Checked, data, mode)
    assert len(rows) == 4
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert "REGEXP" not in sql.upper() and "filtertests_category" not in sql
    assert "filtertests_supplier" not in sql


class Strict(Checked):
    class Meta(Checked.Meta):
        strict = True
        strict_ignore = ["page"]


def test_strict_rejects_unknown_parameters_but_not_ignored_ones() -> None:
    errors = _errors({"stock__regex": "1", "nme": "a", "page": "2", "stock": "1"}, Strict)
    assert errors == {
        "stock__regex": ["Unknown filter parameter."],
        "nme": ["Unknown filter parameter."],
    }
    assert Strict(data=query({"nme": "a"}), ignore=["nme"]).is_valid()


def test_unknown_parameters_are_ignored_without_strict() -> None:
    assert Checked(data=query({"nme": "a"})).is_valid()


class Required(FilterSet):
    stock = IntegerField(required=True, lookups=["gte"])


def test_a_required_field_accepts_any_of_its_parameters() -> None:
    assert Required(data={"stock__gte": "1"}).is_valid()
    assert Required(data={}).errors == {"stock": ["This parameter is required."]}
    assert Required(data={"stock": "x"}).errors == {"stock": ["A valid integer is required."]}


def test_model_dump_gives_converted_values_by_parameter(catalog: Any) -> None:
    filterset = Checked(data=query({"stock__in": "1,2", "released__year": "2024", "name": "x"}))
    assert filterset.model_dump() == {"stock__in": [1, 2], "released__year": 2024, "name": "x"}


def test_model_dump_raises_for_invalid_data() -> None:
    with pytest.raises(ValidationError):
        Checked(data={"stock": "x"}).model_dump()


def test_plain_dict_data_with_python_values_works_from_code(catalog: Any) -> None:
    filterset = Checked(data={"stock__in": [0, 12], "stock__gte": 1})
    rows = filterset.filter_queryset(Product.objects.all())
    assert [row.stock for row in rows] == [12]
