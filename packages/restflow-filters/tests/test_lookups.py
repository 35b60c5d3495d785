"""Every field type x every lookup its categories allow, sync and async, plus negations.

Each case gives the raw query value and the typed value a hand-written
``.filter()`` would use; the FilterSet must return exactly what the ORM
returns for that typed value, and the case must select some rows but not all
(so a filter that does nothing fails).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from filtertests.data import SKUS, SUPPLIERS, apply
from filtertests.models import Product
from restflow.filters import (
    BooleanField,
    ChoiceField,
    DateField,
    DateTimeField,
    DecimalField,
    DurationField,
    EmailField,
    FilterSet,
    FloatField,
    IntegerField,
    IPAddressField,
    MultipleChoiceField,
    StringField,
    TimeField,
    UUIDField,
)
from restflow.filters.lookups import CATEGORIES

STATUS = Product.Status.choices


class Everything(FilterSet):
    name = StringField(lookups=["basic", "text"])
    price = DecimalField(lookups=["basic", "comparison"])
    stock = IntegerField(lookups=["basic", "comparison"])
    rating = FloatField(lookups=["basic", "comparison"])
    in_stock = BooleanField(lookups=["basic"])
    released = DateField(lookups=["basic", "comparison", "date"])
    created = DateTimeField(lookups=["basic", "comparison", "date", "time"])
    opens = TimeField(lookups=["basic", "comparison", "time"])
    warranty = DurationField(lookups=["basic", "comparison"])
    sku = UUIDField(lookups=["basic"])
    contact = EmailField(lookups=["basic", "text"])
    ip = IPAddressField(lookups=["basic", "text"])
    status = ChoiceField(choices=STATUS, lookups=["basic"])
    statuses = MultipleChoiceField(choices=STATUS, db_field="status")
    category = IntegerField()
    supplier = UUIDField(lookups=["in"])

    class Meta:
        model = Product


D = Decimal
UTC = dt.UTC
T0 = dt.datetime(2023, 6, 1, 0, 0, tzinfo=UTC)

# (parameter, raw query value, ORM keyword, typed value)
CASES: list[tuple[str, Any, str, Any]] = [
    ("name", "Beta Book", "name", "Beta Book"),
    ("name__in", "Alpha Book,Gamma Game", "name__in", ["Alpha Book", "Gamma Game"]),
    ("name__isnull", "false", "name__isnull", False),
    ("name__icontains", "BOOK", "name__icontains", "BOOK"),
    ("name__contains", "Game", "name__contains", "Game"),
    ("name__startswith", "Gam", "name__startswith", "Gam"),
    ("name__endswith", "Book", "name__endswith", "Book"),
    ("name__iexact", "beta book", "name__iexact", "beta book"),
    ("price", "12.50", "price", D("12.50")),
    ("price__in", "5,30", "price__in", [D("5"), D("30")]),
    ("price__isnull", "false", "price__isnull", False),
    ("price__gt", "12.5", "price__gt", D("12.5")),
    ("price__gte", "12.5", "price__gte", D("12.5")),
    ("price__lt", "30", "price__lt", D("30")),
    ("price__lte", "30", "price__lte", D("30")),
    ("price__range", "10,50", "price__range", [D("10"), D("50")]),
    ("stock", "5", "stock", 5),
    ("stock__in", "0,12", "stock__in", [0, 12]),
    ("stock__isnull", "false", "stock__isnull", False),
    ("stock__gt", "5", "stock__gt", 5),
    ("stock__gte", "5", "stock__gte", 5),
    ("stock__lt", "12", "stock__lt", 12),
    ("stock__lte", "12", "stock__lte", 12),
    ("stock__range", "1,20", "stock__range", [1, 20]),
    ("rating", "3.0", "rating", 3.0),
    ("rating__in", "1.5,5", "rating__in", [1.5, 5.0]),
    ("rating__isnull", "false", "rating__isnull", False),
    ("rating__gt", "3", "rating__gt", 3.0),
    ("rating__gte", "3", "rating__gte", 3.0),
    ("rating__lt", "4.5", "rating__lt", 4.5),
    ("rating__lte", "4.5", "rating__lte", 4.5),
    ("rating__range", "2,4.6", "rating__range", [2.0, 4.6]),
    ("in_stock", "true", "in_stock", True),
    ("in_stock", "0", "in_stock", False),
    ("in_stock__in", "true", "in_stock__in", [True]),
    ("in_stock__isnull", "false", "in_stock__isnull", False),
    ("released", "2023-06-01", "released", dt.date(2023, 6, 1)),
    (
        "released__in",
        "2023-01-15,2024-03-20",
        "released__in",
        [dt.date(2023, 1, 15), dt.date(2024, 3, 20)],
    ),
    ("released__isnull", "true", "released__isnull", True),
    ("released__gt", "2023-06-01", "released__gt", dt.date(2023, 6, 1)),
    ("released__gte", "2023-06-01", "released__gte", dt.date(2023, 6, 1)),
    ("released__lt", "2023-06-01", "released__lt", dt.date(2023, 6, 1)),
    ("released__lte", "2023-06-01", "released__lte", dt.date(2023, 6, 1)),
    (
        "released__range",
        "2023-01-01,2023-12-31",
        "released__range",
        [dt.date(2023, 1, 1), dt.date(2023, 12, 31)],
    ),
    ("released__date", "2023-06-01", "released", dt.date(2023, 6, 1)),
    ("released__year", "2023", "released__year", 2023),
    ("released__month", "6", "released__month", 6),
    ("released__day", "15", "released__day", 15),
    ("released__week", "22", "released__week", 22),
    ("released__week_day", "1", "released__week_day", 1),
    ("released__quarter", "1", "released__quarter", 1),
    ("created", "2023-06-01T12:45:30Z", "created", dt.datetime(2023, 6, 1, 12, 45, 30, tzinfo=UTC)),
    (
        "created__in",
        "2023-06-01T12:45:30Z",
        "created__in",
        [dt.datetime(2023, 6, 1, 12, 45, 30, tzinfo=UTC)],
    ),
    ("created__isnull", "true", "created__isnull", True),
    ("created__gt", "2023-06-01T00:00:00Z", "created__gt", T0),
    ("created__gte", "2023-06-01T00:00:00Z", "created__gte", T0),
    ("created__lt", "2023-06-01T00:00:00Z", "created__lt", T0),
    ("created__lte", "2023-06-01T00:00:00Z", "created__lte", T0),
    (
        "created__range",
        "2023-01-01T00:00:00Z,2023-12-31T00:00:00Z",
        "created__range",
        [dt.datetime(2023, 1, 1, tzinfo=UTC), dt.datetime(2023, 12, 31, tzinfo=UTC)],
    ),
    ("created__date", "2023-06-01", "created__date", dt.date(2023, 6, 1)),
    ("created__year", "2024", "created__year", 2024),
    ("created__month", "3", "created__month", 3),
    ("created__day", "1", "created__day", 1),
    ("created__week", "22", "created__week", 22),
    ("created__week_day", "5", "created__week_day", 5),
    ("created__quarter", "2", "created__quarter", 2),
    ("created__time", "07:45:30", "created__time", dt.time(7, 45, 30)),
    ("created__hour", "7", "created__hour", 7),
    ("created__minute", "45", "created__minute", 45),
    ("created__second", "45", "created__second", 45),
    ("opens", "09:30", "opens", dt.time(9, 30)),
    ("opens__in", "08:00,12:15", "opens__in", [dt.time(8), dt.time(12, 15)]),
    ("opens__isnull", "true", "opens__isnull", True),
    ("opens__gt", "09:30", "opens__gt", dt.time(9, 30)),
    ("opens__gte", "09:30", "opens__gte", dt.time(9, 30)),
    ("opens__lt", "09:30", "opens__lt", dt.time(9, 30)),
    ("opens__lte", "09:30", "opens__lte", dt.time(9, 30)),
    ("opens__range", "09:00,13:00", "opens__range", [dt.time(9), dt.time(13)]),
    ("opens__time", "09:30", "opens", dt.time(9, 30)),
    ("opens__hour", "12", "opens__hour", 12),
    ("opens__minute", "30", "opens__minute", 30),
    ("opens__second", "0", "opens__second", 0),
    ("warranty", "90 00:00:00", "warranty", dt.timedelta(days=90)),
    (
        "warranty__in",
        "30 00:00:00,365 00:00:00",
        "warranty__in",
        [dt.timedelta(days=30), dt.timedelta(days=365)],
    ),
    ("warranty__isnull", "true", "warranty__isnull", True),
    ("warranty__gt", "30 00:00:00", "warranty__gt", dt.timedelta(days=30)),
    ("warranty__gte", "90 00:00:00", "warranty__gte", dt.timedelta(days=90)),
    ("warranty__lt", "90 00:00:00", "warranty__lt", dt.timedelta(days=90)),
    ("warranty__lte", "90 00:00:00", "warranty__lte", dt.timedelta(days=90)),
    (
        "warranty__range",
        "31 00:00:00,400 00:00:00",
        "warranty__range",
        [dt.timedelta(days=31), dt.timedelta(days=400)],
    ),
    ("sku", str(SKUS[1]), "sku", SKUS[1]),
    ("sku__in", f"{SKUS[0]},{SKUS[2]}", "sku__in", [SKUS[0], SKUS[2]]),
    ("sku__isnull", "true", "sku__isnull", True),
    ("contact", "bob@example.com", "contact", "bob@example.com"),
    (
        "contact__in",
        "bob@example.com,alice@example.com",
        "contact__in",
        ["bob@example.com", "alice@example.com"],
    ),
    ("contact__isnull", "false", "contact__isnull", False),
    ("contact__icontains", "EXAMPLE", "contact__icontains", "EXAMPLE"),
    ("contact__contains", "sample", "contact__contains", "sample"),
    ("contact__startswith", "alice", "contact__startswith", "alice"),
    ("contact__endswith", ".org", "contact__endswith", ".org"),
    ("contact__iexact", "BOB@example.com", "contact__iexact", "BOB@example.com"),
    ("ip", "10.0.0.2", "ip", "10.0.0.2"),
    ("ip__in", "10.0.0.1,192.168.1.1", "ip__in", ["10.0.0.1", "192.168.1.1"]),
    ("ip__isnull", "true", "ip__isnull", True),
    ("ip__icontains", "168", "ip__icontains", "168"),
    ("ip__contains", "0.0", "ip__contains", "0.0"),
    ("ip__startswith", "10.", "ip__startswith", "10."),
    ("ip__endswith", ".1", "ip__endswith", ".1"),
    ("ip__iexact", "10.0.0.1", "ip__iexact", "10.0.0.1"),
    ("status", "live", "status", "live"),
    ("status__in", "draft,archived", "status__in", ["draft", "archived"]),
    ("status__isnull", "false", "status__isnull", False),
    ("statuses", "draft,archived", "status__in", ["draft", "archived"]),
    ("category", "BOOKS", "category", "BOOKS"),
    ("supplier", str(SUPPLIERS[0]), "supplier", SUPPLIERS[0]),
    ("supplier__in", f"{SUPPLIERS[1]}", "supplier__in", [SUPPLIERS[1]]),
]
_CASE_IDS = [f"{param}={raw}" for param, raw, _, _ in CASES]


def _expected(key: str, value: Any, *, negated: bool) -> list[str]:
    queryset = Product.objects.exclude if negated else Product.objects.filter
    return [product.name for product in queryset(**{key: value})]


@pytest.mark.parametrize(("param", "raw", "key", "value"), CASES, ids=_CASE_IDS)
def test_parameter_filters_like_the_typed_orm_call(
    catalog: Any, mode: str, param: str, raw: str, key: str, value: Any
) -> None:
    if param == "category":
        raw, value = str(catalog["books"].pk), catalog["books"].pk
    expected = _expected(key, value, negated=False)
    got = [product.name for product in apply(Everything, {param: raw}, mode)]
    assert got == expected
    if not param.endswith("isnull") or expected:
        assert 0 < len(expected) < Product.objects.count() or param.endswith("isnull")


@pytest.mark.parametrize(("param", "raw", "key", "value"), CASES, ids=_CASE_IDS)
def test_negated_parameter_excludes_what_the_parameter_matches(
    catalog: Any, mode: str, param: str, raw: str, key: str, value: Any
) -> None:
    if param == "category":
        raw, value = str(catalog["books"].pk), catalog["books"].pk
    got = [product.name for product in apply(Everything, {f"{param}!": raw}, mode)]
    assert got == _expected(key, value, negated=True)
    positive = [product.name for product in apply(Everything, {param: raw}, mode)]
    assert set(got).isdisjoint(positive)


def test_the_matrix_covers_every_lookup_each_field_declares() -> None:
    declared = {
        name for name, param in Everything.get_parameters().items() if not name.endswith("!")
    }
    assert declared == {param for param, _, _, _ in CASES}


@pytest.mark.parametrize(
    ("field", "categories"),
    [
        (StringField, {"basic", "text", "postgres", "unsafe"}),
        (IntegerField, {"basic", "comparison"}),
        (FloatField, {"basic", "comparison"}),
        (DecimalField, {"basic", "comparison"}),
        (BooleanField, {"basic"}),
        (DateField, {"basic", "comparison", "date"}),
        (DateTimeField, {"basic", "comparison", "date", "time"}),
        (TimeField, {"basic", "comparison", "time"}),
        (DurationField, {"basic", "comparison"}),
        (UUIDField, {"basic"}),
        (EmailField, {"basic", "text"}),
        (IPAddressField, {"basic", "text"}),
    ],
)
def test_all_lookups_expand_to_every_allowed_category_but_the_opt_in_ones(
    field: type[Any], categories: set[str]
) -> None:
    assert field.categories == categories
    filterset = type("All", (FilterSet,), {"value": field(lookups="__all__")})
    params = {name for name in filterset.get_parameters() if not name.endswith("!")}
    expected = {"value"} | {
        f"value__{lookup}"
        for category in categories - {"unsafe"}
        for lookup in CATEGORIES[category]
        if lookup != "exact"
    }
    assert params == expected
