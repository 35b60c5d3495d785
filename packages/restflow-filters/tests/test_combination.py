"""Meta.operator with negations, callable filter_by, method filters, processors (sync and async)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import Q, QuerySet

from filtertests.data import apply, names
from filtertests.models import Product
from restflow.filters import BooleanField, FilterSet, IntegerField, StringField


def _make(operator: str) -> type[FilterSet]:
    class Combined(FilterSet):
        name = StringField(lookups=["icontains"])
        stock = IntegerField(lookups=["gte"])
        in_stock = BooleanField()

        class Meta:
            model = Product

    Combined.Meta.operator = operator  # type: ignore[attr-defined]
    return type(f"Combined{operator}", (Combined,), {"Meta": Combined.Meta})


AND, OR, XOR = _make("AND"), _make("OR"), _make("XOR")

# name contains "book": Alpha Book, Beta Book; stock >= 12: Gamma Game, Delta Game;
# in_stock: Beta Book, Gamma Game.
COMBINATIONS = [
    (AND, {"name__icontains": "book", "in_stock": "true"}, ["Beta Book"]),
    (
        OR,
        {"name__icontains": "book", "stock__gte": "12"},
        ["Alpha Book", "Beta Book", "Gamma Game", "Delta Game"],
    ),
    (
        OR,
        {"name__icontains": "book", "in_stock": "true"},
        ["Alpha Book", "Beta Book", "Gamma Game"],
    ),
    (XOR, {"name__icontains": "book", "in_stock": "true"}, ["Alpha Book", "Gamma Game"]),
    (AND, {"name__icontains!": "book", "in_stock": "true"}, ["Gamma Game"]),
    (
        OR,
        {"name__icontains!": "book", "in_stock": "true"},
        ["Beta Book", "Gamma Game", "Delta Game"],
    ),
    (XOR, {"name__icontains!": "book", "in_stock": "true"}, ["Beta Book", "Delta Game"]),
    (XOR, {"name__icontains!": "book", "in_stock!": "true"}, ["Alpha Book", "Gamma Game"]),
    (OR, {"stock__gte!": "5", "in_stock!": "true"}, ["Alpha Book", "Delta Game"]),
    # XOR of more than two: true where an odd number of conditions hold
    (
        XOR,
        {"name__icontains": "a", "stock__gte": "5", "in_stock": "true"},
        ["Alpha Book", "Beta Book", "Gamma Game"],
    ),
]


@pytest.mark.parametrize(("filterset", "data", "expected"), COMBINATIONS)
def test_operator_combines_parameters_including_negated_ones(
    catalog: Any, mode: str, filterset: type[FilterSet], data: dict[str, str], expected: list[str]
) -> None:
    assert names(apply(filterset, data, mode)) == expected


def test_get_q_is_the_combined_condition() -> None:
    q = XOR(data={"name__icontains": "a", "in_stock!": "1"}).get_q()
    assert q == Q(name__icontains="a") ^ ~Q(in_stock=True)


# -- callable filter_by --------------------------------------------------------------------


def _cheap(value: int) -> Q:
    return Q(price__lt=value)


class Callables(FilterSet):
    cheap = IntegerField(filter_by=_cheap)
    maker = StringField(filter_by=lambda value: {"supplier__name__iexact": value})
    named = StringField(filter_by="name__istartswith", db_field="name", lookups=["iexact"])

    class Meta:
        model = Product


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"cheap": "13"}, ["Alpha Book", "Beta Book"]),
        ({"cheap!": "13"}, ["Gamma Game", "Delta Game"]),
        ({"maker": "acme"}, ["Alpha Book", "Gamma Game"]),
        ({"maker!": "acme"}, ["Beta Book", "Delta Game"]),
        ({"named": "gam"}, ["Gamma Game"]),
        ({"named!": "gam"}, ["Alpha Book", "Beta Book", "Delta Game"]),
        ({"named__iexact": "beta book"}, ["Beta Book"]),
    ],
)
def test_callable_and_string_filter_by_and_their_negation(
    catalog: Any, mode: str, data: dict[str, str], expected: list[str]
) -> None:
    assert names(apply(Callables, data, mode)) == expected


# -- method= filters -----------------------------------------------------------------------


async def _async_min_stock(queryset: QuerySet[Any], name: str, value: int) -> Q:
    return Q(stock__gte=value)


class Methods(FilterSet):
    search = StringField(method="filter_search")
    books_only = BooleanField(method="only_books")
    min_stock = IntegerField(method=_async_min_stock, allow_negate=True)

    def filter_search(self, queryset: QuerySet[Any], name: str, value: str) -> Q:
        assert name == "search"
        return Q(name__icontains=value) | Q(description__icontains=value)

    def only_books(self, queryset: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        return queryset.filter(category__slug="books") if value else queryset


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"search": "green"}, ["Gamma Game"]),
        ({"search": "book"}, ["Alpha Book", "Beta Book"]),
        ({"books_only": "true"}, ["Alpha Book", "Beta Book"]),
        ({"books_only": "true", "search": "blue"}, ["Beta Book"]),
        ({"min_stock": "12"}, ["Gamma Game", "Delta Game"]),
        ({"min_stock!": "12"}, ["Alpha Book", "Beta Book"]),
    ],
)
def test_method_filters_return_q_or_queryset_sync_or_async(
    catalog: Any, mode: str, data: dict[str, str], expected: list[str]
) -> None:
    assert names(apply(Methods, data, mode)) == expected


def test_method_filters_are_not_negatable_unless_asked() -> None:
    params = Methods.get_parameters()
    assert "search!" not in params and "books_only!" not in params and "min_stock!" in params


def test_a_method_returning_something_else_is_a_clear_error(catalog: Any) -> None:
    class Bad(FilterSet):
        x = IntegerField(method=lambda queryset, name, value: None)

    with pytest.raises(TypeError, match=r"Bad\.x: the method returned NoneType"):
        Bad(data={"x": "1"}).filter_queryset(Product.objects.all())


# -- processors --------------------------------------------------------------------------------


calls: list[str] = []


def exclude_archived(filterset: FilterSet, queryset: QuerySet[Any]) -> QuerySet[Any]:
    calls.append("pre-sync")
    return queryset.exclude(status="archived")


async def only_in_stock(filterset: FilterSet, queryset: QuerySet[Any]) -> QuerySet[Any]:
    calls.append("pre-async")
    return queryset.filter(in_stock=True)


def newest_first(filterset: FilterSet, queryset: QuerySet[Any]) -> QuerySet[Any]:
    calls.append("post-sync")
    return queryset.order_by("-stock")


async def distinct(filterset: FilterSet, queryset: QuerySet[Any]) -> QuerySet[Any]:
    calls.append("post-async")
    return queryset.distinct()


class Processed(FilterSet):
    name = StringField(lookups=["icontains"])

    class Meta:
        model = Product
        operator = "OR"
        preprocessors = [exclude_archived, only_in_stock]
        postprocessors = [newest_first, distinct]


def test_processors_run_in_order_around_the_filters(catalog: Any, mode: str) -> None:
    calls.clear()
    rows = apply(Processed, {"name__icontains": "a"}, mode)
    assert calls == ["pre-sync", "pre-async", "post-sync", "post-async"]
    assert names(rows) == ["Gamma Game", "Beta Book"]


def test_a_processor_must_return_a_queryset(catalog: Any, mode: str) -> None:
    class Bad(FilterSet):
        class Meta:
            preprocessors = [lambda filterset, queryset: None]

    with pytest.raises(TypeError, match="return a queryset"):
        apply(Bad, {}, mode)
