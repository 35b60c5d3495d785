"""Mutation helpers: set input on a model, save only what changed, say what changed (both paths)."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync

from restflow.services import (
    acreate_from_input,
    apply_input,
    aupdate_from_input,
    create_from_input,
    update_from_input,
)
from viewtests.models import Category, Product

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("close_async_connections"),
]


def _sync(name: str) -> Any:
    return {"create": create_from_input, "update": update_from_input}[name]


def _async(name: str) -> Any:
    helper = {"create": acreate_from_input, "update": aupdate_from_input}[name]
    return async_to_sync(helper)


BOTH = pytest.mark.parametrize("helper", [_sync, _async], ids=["sync", "async"])


def test_apply_input_sets_fields_and_returns_only_the_changed_names() -> None:
    product = Product(name="pen", price=3)
    assert apply_input(product, {"name": "pen", "price": 4}) == ("price",)
    assert product.price == 4
    assert apply_input(product, {"price": 4}) == ()


def test_apply_input_refuses_an_unknown_field_naming_model_and_field() -> None:
    with pytest.raises(TypeError, match=r"Product has no field 'colour'"):
        apply_input(Product(), {"colour": "red"})


def test_apply_input_compares_a_foreign_key_by_its_key() -> None:
    product = Product(name="pen", category_id=None)
    category = Category(pk=5, name="office")
    assert apply_input(product, {"category": category}) == ("category",)
    assert product.category_id == 5
    assert apply_input(product, {"category": category}) == ()
    assert apply_input(product, {"category_id": 5}) == ()


@BOTH
def test_create_from_input_saves_a_row_and_reports_it_created(helper: Any) -> None:
    result = helper("create")(Product, {"name": "ink", "price": 2})
    assert result.created and result.changed == ("name", "price")
    assert Product.objects.get(pk=result.instance.pk).name == "ink"


@BOTH
def test_update_from_input_saves_only_changed_fields(helper: Any) -> None:
    product = Product.objects.create(name="pad", price=1)
    Product.objects.filter(pk=product.pk).update(name="renamed elsewhere")
    result = helper("update")(product, {"name": "pad", "price": 9})
    assert result.changed == ("price",) and not result.created and result
    stored = Product.objects.get(pk=product.pk)
    assert (stored.name, stored.price) == (
        "renamed elsewhere",
        9,
    )  # name was unchanged: not written


@BOTH
def test_update_from_input_with_nothing_changed_writes_nothing(helper: Any) -> None:
    product = Product.objects.create(name="pad", price=1)
    Product.objects.filter(pk=product.pk).update(price=7)
    result = helper("update")(product, {"price": 1})
    assert not result and Product.objects.get(pk=product.pk).price == 7
