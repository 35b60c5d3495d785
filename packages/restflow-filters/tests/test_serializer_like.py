"""A FilterSet answers like a DRF serializer (issue 19, item 15): ``.fields`` and
``is_valid(raise_exception=True)``, as the reference library's FilterSet (a DRF
``Serializer``) lets its users write."""

from __future__ import annotations

import pytest
from rest_framework.exceptions import ValidationError

from restflow.filters import FilterSet, IntegerField, StringField


class ProductFilters(FilterSet):
    name = StringField(lookups=["icontains"])
    price = IntegerField(lookups=["comparison"], min_value=0)
    stock: int


def test_an_instance_exposes_its_filter_fields_by_name() -> None:
    filterset = ProductFilters(data={"price__gte": "10"})
    assert set(filterset.fields) == {"name", "price", "stock"}
    assert isinstance(filterset.fields["price"], IntegerField)
    assert filterset.fields == ProductFilters.get_fields()


def test_the_fields_mapping_cannot_be_changed_through_an_instance() -> None:
    with pytest.raises(TypeError):
        ProductFilters().fields["other"] = StringField()  # type: ignore[index]
    assert "other" not in ProductFilters.get_fields()


def test_is_valid_with_raise_exception_raises_the_400_validation_error() -> None:
    filterset = ProductFilters(data={"price__gte": "-1", "stock": "many"})
    with pytest.raises(ValidationError) as raised:
        filterset.is_valid(raise_exception=True)
    assert raised.value.status_code == 400
    assert set(raised.value.detail) == {"price__gte", "stock"}  # type: ignore[arg-type]
    assert filterset.is_valid() is False  # without it: a bool, as before


def test_is_valid_with_raise_exception_answers_true_for_valid_data() -> None:
    filterset = ProductFilters(data={"price__gte": "10", "name__icontains": "book"})
    assert filterset.is_valid(raise_exception=True) is True
    assert filterset.validated_data == {"price__gte": 10, "name__icontains": "book"}
