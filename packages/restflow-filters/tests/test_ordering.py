"""Ordering through the FilterSet: OrderField and the Meta.order_* options."""

from __future__ import annotations

from typing import Any

import pytest

from filtertests.data import apply, names, query
from filtertests.models import Product
from restflow.filters import FilterSet, IntegerField, OrderField


class Ordered(FilterSet):
    stock = IntegerField(lookups=["gte"])

    class Meta:
        model = Product
        order_fields = ["name", ("cost", "price"), "stock"]
        default_order_fields = ["-cost"]
        order_field_labels = {"cost": "Price"}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"order_by": "name"}, ["Alpha Book", "Beta Book", "Delta Game", "Gamma Game"]),
        ({"order_by": "-name"}, ["Gamma Game", "Delta Game", "Beta Book", "Alpha Book"]),
        ({"order_by": "cost"}, ["Alpha Book", "Beta Book", "Gamma Game", "Delta Game"]),
        ({}, ["Delta Game", "Gamma Game", "Beta Book", "Alpha Book"]),
        ({"order_by": "-stock", "stock__gte": "5"}, ["Delta Game", "Gamma Game", "Beta Book"]),
    ],
)
def test_ordering_follows_the_client_keys_or_the_default(
    catalog: Any, mode: str, data: dict[str, str], expected: list[str]
) -> None:
    assert names(apply(Ordered, data, mode)) == expected


def test_several_keys_keep_the_clients_order() -> None:
    filterset = Ordered(data=query({"order_by": "stock,-cost,name"}))
    assert filterset.validated_data == {"order_by": ["stock", "-price", "name"]}
    assert Ordered(data=query({"order_by": "-cost,stock"})).validated_data == {
        "order_by": ["-price", "stock"]
    }


def test_unknown_ordering_keys_are_a_400_listing_the_choices() -> None:
    errors = Ordered(data=query({"order_by": "name,secret"})).errors
    assert list(errors) == ["order_by"]
    assert errors["order_by"][0].startswith("Unknown ordering key 'secret'; accepted: name, -name")


class Declared(FilterSet):
    sort = OrderField([("newest", "-released"), ("name", "name")], override_order_direction=True)


def test_order_field_declares_its_parameter_and_direction_override(catalog: Any, mode: str) -> None:
    assert Declared(data={"sort": "-newest"}).validated_data == {"sort": ["-released"]}
    released = Product.objects.exclude(released=None)
    rows = apply(Declared, {"sort": "newest,name"}, mode, released)
    assert names(rows) == ["Gamma Game", "Beta Book", "Alpha Book"]


def test_ordering_parameter_clashing_with_a_filter_is_refused() -> None:
    with pytest.raises(TypeError, match="'order_by' is also a filter parameter"):

        class Clash(FilterSet):
            order_by = IntegerField()

            class Meta:
                order_fields = ["name"]


def test_order_field_checks_its_declaration() -> None:
    with pytest.raises(TypeError, match="'nope' is not one of the ordering keys"):
        OrderField(["name"], labels={"nope": "x"})
    with pytest.raises(TypeError, match="each entry must be a name or a"):
        OrderField([("name", 3)])  # type: ignore[list-item]
