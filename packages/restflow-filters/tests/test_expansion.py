"""Related-field expansion, InlineFilterSet, lookup aliases, list fields, the unsafe category."""

from __future__ import annotations

from typing import Any

import pytest

from filtertests.data import apply, names
from filtertests.models import Category, Product
from restflow.filters import (
    DecimalField,
    FilterSet,
    InlineFilterSet,
    IntegerField,
    ListField,
    MultipleChoiceField,
    RelatedField,
    StringField,
)


class ByRelated(FilterSet):
    category = RelatedField(Category, fields=["name", "slug"], lookups=["icontains"])

    class Meta:
        model = Product
        related_fields = {"supplier": ["name"]}


def test_related_fields_expand_into_prefixed_parameters(catalog: Any, mode: str) -> None:
    params = ByRelated.get_parameters()
    assert {
        "category__name",
        "category__name__icontains",
        "category__slug",
        "supplier__name",
    } <= set(params)
    assert "category" not in params
    assert names(apply(ByRelated, {"category__slug": "games"}, mode)) == ["Gamma Game"]
    assert names(apply(ByRelated, {"supplier__name": "Zeta"}, mode)) == ["Beta Book"]
    assert names(apply(ByRelated, {"category__name__icontains!": "oo"}, mode)) == [
        "Gamma Game",
        "Delta Game",
    ]


def test_related_field_model_comes_from_meta_model_and_exclude_applies() -> None:
    class Implicit(FilterSet):
        category = RelatedField(exclude=["slug"])

        class Meta:
            model = Product

    assert {"category__id", "category__name"} <= set(Implicit.get_parameters())
    assert "category__slug" not in Implicit.get_parameters()


def test_inline_filterset_builds_a_class_from_a_dict(catalog: Any, mode: str) -> None:
    Inline = InlineFilterSet(
        {"name": StringField(lookups=["startswith"]), "stock": int},
        model=Product,
        operator="OR",
        name="ProductInline",
    )
    assert Inline.__name__ == "ProductInline" and issubclass(Inline, FilterSet)
    assert names(apply(Inline, {"name__startswith": "Al", "stock": "40"}, mode)) == [
        "Alpha Book",
        "Delta Game",
    ]


class Aliased(FilterSet):
    price = DecimalField(lookups=[{"min": "gte", "max": "lte"}], lookup_separator="_")
    stock = IntegerField(lookups={"atleast": "gte"})

    class Meta:
        model = Product


def test_lookup_aliases_use_the_separator(catalog: Any, mode: str) -> None:
    params = Aliased.get_parameters()
    assert {"price_min", "price_max", "price_min!", "stock__atleast"} <= set(params)
    assert params["price_min"].key == "price__gte"
    rows = apply(Aliased, {"price_min": "10", "price_max": "50"}, mode)
    assert names(rows) == ["Beta Book", "Gamma Game"]
    assert names(apply(Aliased, {"stock__atleast": "40"}, mode)) == ["Delta Game"]


def test_meta_lookup_separator_is_the_default_for_aliases() -> None:
    class Dashed(FilterSet):
        price = IntegerField(lookups={"from": "gte"})

        class Meta:
            lookup_separator = "-"

    assert "price-from" in Dashed.get_parameters()


def test_per_lookup_help_text_reaches_the_schema() -> None:
    class Helped(FilterSet):
        price = IntegerField(
            lookups=["gte", {"max": "lte"}],
            help_text="Price in cents.",
            lookup_help_text={"gte": "Lowest price.", "max": "Highest price."},
        )

    by_name = {p["name"]: p["description"] for p in Helped.schema_parameters()}
    assert by_name["price"] == "Price in cents."
    assert by_name["price__gte"] == "Lowest price."
    assert by_name["price__max"] == "Highest price."


class Lists(FilterSet):
    stock = ListField(child=IntegerField())
    status = MultipleChoiceField(choices=Product.Status.choices)

    class Meta:
        model = Product


@pytest.mark.parametrize(
    "data",
    [{"stock": "0,40"}, {"stock": ["0", "40"]}, {"stock": ["0,40"]}],
    ids=["comma", "repeated", "one-repeated"],
)
def test_list_fields_accept_repeated_and_comma_separated_values(
    catalog: Any, mode: str, data: dict[str, Any]
) -> None:
    assert names(apply(Lists, data, mode)) == ["Alpha Book", "Delta Game"]


def test_multiple_choice_field_matches_any_choice_and_rejects_others(
    catalog: Any, mode: str
) -> None:
    assert names(apply(Lists, {"status": ["draft", "archived"]}, mode)) == [
        "Alpha Book",
        "Delta Game",
    ]
    assert Lists(data={"status": "draft,sold"}).errors == {
        "status": ['Item 2: "sold" is not a valid choice.']
    }


def test_negate_true_always_excludes(catalog: Any, mode: str) -> None:
    class NotNamed(FilterSet):
        hide = StringField(filter_by="name__icontains", negate=True)

    assert "hide!" not in NotNamed.get_parameters()
    assert names(apply(NotNamed, {"hide": "game"}, mode)) == ["Alpha Book", "Beta Book"]


def test_allow_negate_per_field_and_in_meta() -> None:
    class NoNegation(FilterSet):
        a = IntegerField(lookups=["gte"])
        b = IntegerField(allow_negate=True)

        class Meta:
            allow_negate = False

    assert set(NoNegation.get_parameters()) == {"a", "a__gte", "b", "b!"}

    class FieldOff(FilterSet):
        a = IntegerField(allow_negate=False)

    assert set(FieldOff.get_parameters()) == {"a"}


def test_the_unsafe_category_is_opt_in(catalog: Any, mode: str) -> None:
    class Regex(FilterSet):
        everything = StringField(db_field="name", lookups="__all__")
        opted = StringField(db_field="name", lookups=["unsafe"])

        class Meta:
            model = Product

    params = Regex.get_parameters()
    assert "everything__regex" not in params and "opted__regex" in params
    assert names(apply(Regex, {"opted__iregex": "^(alpha|delta)"}, mode)) == [
        "Alpha Book",
        "Delta Game",
    ]
