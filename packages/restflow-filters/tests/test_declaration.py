"""Declaring FilterSets: three styles and their priority, and errors at class creation."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any, Literal

import pytest
from django.core.exceptions import ImproperlyConfigured
from rest_framework import serializers

from filtertests.data import apply
from filtertests.models import Product
from restflow.filters import (
    BooleanField,
    ChoiceField,
    DateField,
    DateTimeField,
    DecimalField,
    DurationField,
    Email,
    EmailField,
    FilterSet,
    FloatField,
    IntegerField,
    IPAddress,
    IPAddressField,
    ListField,
    StringField,
    TimeField,
    UUIDField,
)


class Styles(FilterSet):
    name = StringField(lookups=["icontains"])  # explicit
    description: str  # annotation
    in_stock: bool  # annotation
    stock: int  # annotation, also model-derived: the annotation wins

    class Meta:
        model = Product
        fields = ["price", "stock", "name"]
        extra_kwargs = {"price": {"min_value": 0, "lookups": ["comparison"]}}


def test_explicit_beats_annotation_beats_model_field() -> None:
    fields = Styles.get_fields()
    assert isinstance(fields["name"], StringField) and fields["name"].lookups == ["icontains"]
    assert isinstance(fields["description"], StringField)
    assert isinstance(fields["in_stock"], BooleanField)
    assert isinstance(fields["price"], DecimalField)
    assert "name__icontains" in Styles.get_parameters()


def test_extra_kwargs_reach_model_derived_fields(catalog: Any, mode: str) -> None:
    assert "price__gte" in Styles.get_parameters()
    filterset = Styles(data={"price__gte": "-1"})
    assert not filterset.is_valid()
    assert list(filterset.errors) == ["price__gte"]
    assert [p.name for p in apply(Styles, {"price__gte": "30"}, mode)] == [
        "Gamma Game",
        "Delta Game",
    ]


@pytest.mark.parametrize(
    ("annotation", "field_class"),
    [
        (str, StringField),
        (int, IntegerField),
        (float, FloatField),
        (bool, BooleanField),
        (decimal.Decimal, DecimalField),
        (dt.date, DateField),
        (dt.datetime, DateTimeField),
        (dt.time, TimeField),
        (dt.timedelta, DurationField),
        (uuid.UUID, UUIDField),
        (Email, EmailField),
        (IPAddress, IPAddressField),
        (list[int], ListField),
        (Literal["a", "b"], ChoiceField),
        (int | None, IntegerField),
    ],
)
def test_annotation_maps_to_its_field_type(annotation: Any, field_class: type[Any]) -> None:
    filterset = type("Annotated", (FilterSet,), {"__annotations__": {"value": annotation}})
    assert type(filterset.get_fields()["value"]) is field_class


def test_list_annotation_converts_each_item_with_the_child_type() -> None:
    filterset = type("Ids", (FilterSet,), {"__annotations__": {"stock": list[int]}})
    assert filterset(data={"stock": "1,2"}).validated_data == {"stock": [1, 2]}
    bad = filterset(data={"stock": "1,x"})
    assert bad.errors == {"stock": ["Item 2: A valid integer is required."]}


def test_literal_annotation_accepts_only_its_values() -> None:
    filterset = type("Lit", (FilterSet,), {"__annotations__": {"status": Literal["live", "draft"]}})
    assert filterset(data={"status": "live"}).validated_data == {"status": "live"}
    assert list(filterset(data={"status": "gone"}).errors) == ["status"]


def test_string_annotations_resolve_under_future_import() -> None:
    # this module uses `from __future__ import annotations`: Styles' annotations are strings
    assert isinstance(Styles.get_fields()["in_stock"], BooleanField)


def test_model_field_type_decides_the_parameter_type(catalog: Any) -> None:
    class ByModel(FilterSet):
        class Meta:
            model = Product
            fields = ["id", "supplier", "category", "status", "released"]

    bad = ByModel(data={"id": "abc", "released": "yesterday", "status": "sold"})
    assert sorted(bad.errors) == ["id", "released", "status"]
    supplier = str(catalog["acme"].pk)
    assert ByModel(data={"supplier": supplier}).validated_data == {"supplier": catalog["acme"].pk}
    assert list(ByModel(data={"supplier": "42"}).errors) == ["supplier"]


def test_meta_fields_all_takes_every_filterable_concrete_field() -> None:
    class All(FilterSet):
        class Meta:
            model = Product
            fields = "__all__"

    fields = All.get_fields()
    assert {"id", "name", "price", "category", "supplier", "warranty"} <= set(fields)
    assert "payload" not in fields  # JSONField cannot be filtered on


def test_meta_exclude_removes_fields() -> None:
    class Some(FilterSet):
        class Meta:
            model = Product
            fields = "__all__"
            exclude = ["description", "payload"]

    assert "description" not in Some.get_fields()


def test_a_subclass_inherits_fields_and_can_remove_one() -> None:
    class Child(Styles):
        description = None  # type: ignore[assignment]
        rating = FloatField()

    fields = Child.get_fields()
    assert "description" not in fields and "rating" in fields and "name" in fields


def test_the_table_is_compiled_once_at_class_creation(monkeypatch: pytest.MonkeyPatch) -> None:
    import restflow.filters.filterset as module

    calls = []
    original = module.compile_filterset

    def counting(*args: Any) -> Any:
        calls.append(args[0])
        return original(*args)

    monkeypatch.setattr(module, "compile_filterset", counting)

    class Once(FilterSet):
        price: int

    assert calls == [Once]
    for _ in range(3):
        Once(data={"price": "1"}).get_q()
    assert calls == [Once]


def test_a_list_fields_child_is_resolved_once_when_the_filterset_compiles() -> None:
    declared = ListField(child=int, lookups=["basic"])
    by_drf_field = ListField(child=serializers.IntegerField())

    class Lists(FilterSet):
        ids = declared
        stocks = by_drf_field
        names = ListField()

    fields = Lists.get_fields()
    assert type(fields["ids"].child) is IntegerField
    assert type(fields["stocks"].child) is IntegerField
    assert fields["names"].child is None  # no child: strings
    assert declared.child is int  # the declaration itself is left as written
    assert Lists(data={"ids": "1,2", "names": "a,b"}).validated_data == {
        "ids": [1, 2],
        "names": ["a", "b"],
    }
    assert Lists(data={"stocks": "1,x"}).errors == {
        "stocks": ["Item 2: A valid integer is required."]
    }


# -- declaration mistakes ---------------------------------------------------------------


def _declare(body: dict[str, Any], **meta: Any) -> type[FilterSet]:
    namespace = dict(body)
    if meta:
        namespace["Meta"] = type("Meta", (), meta)
    return type("Broken", (FilterSet,), namespace)


@pytest.mark.parametrize(
    ("body", "meta", "error", "fragment"),
    [
        (
            {"price": IntegerField(lookups=["gtx"])},
            {},
            TypeError,
            "Broken.price: unknown lookup 'gtx'",
        ),
        (
            {"price": IntegerField(lookups=["icontains"])},
            {},
            TypeError,
            "'icontains' does not apply to IntegerField",
        ),
        (
            {"price": IntegerField(lookups=["text"])},
            {},
            TypeError,
            "category 'text' does not apply",
        ),
        ({"price": IntegerField(lookups=[3])}, {}, TypeError, "lookups entries must be strings"),
        (
            {"cost": IntegerField()},
            {"model": Product},
            ImproperlyConfigured,
            "Broken.cost: Product has no field 'cost'",
        ),
        (
            {"n": StringField(filter_by="name__bogus")},
            {"model": Product},
            ImproperlyConfigured,
            "'bogus' is neither a field of Product nor a lookup",
        ),
        (
            {"n": StringField(db_field="category__nope")},
            {"model": Product},
            ImproperlyConfigured,
            "'nope' is neither a field of Category",
        ),
        (
            {},
            {"model": Product, "fields": ["nope"]},
            ImproperlyConfigured,
            "Product has no field 'nope'",
        ),
        (
            {},
            {"model": Product, "fields": ["payload"]},
            TypeError,
            "JSONField, which restflow cannot filter on",
        ),
        ({}, {"operator": "NAND"}, TypeError, "operator must be one of AND, OR, XOR"),
        ({}, {"ordering": ["x"]}, TypeError, "unknown option(s) ordering"),
        ({}, {"fields": ["name"]}, TypeError, "fields needs Meta.model"),
        (
            {"price": IntegerField()},
            {"extra_kwargs": {"cost": {}}},
            TypeError,
            "extra_kwargs names 'cost'",
        ),
        ({"a": IntegerField(method="nope")}, {}, TypeError, "method='nope' is not a method"),
        ({"a": IntegerField(filter_by=42)}, {}, TypeError, "filter_by must be an ORM expression"),
        ({"__annotations__": {"a": set[int]}}, {}, TypeError, "Broken.a"),
        ({"__annotations__": {"a": dict[str, int]}}, {}, TypeError, "Broken.a"),
        (
            {
                "a": IntegerField(lookups={"min": "gte"}, lookup_separator="_"),
                "a_min": IntegerField(),
            },
            {},
            TypeError,
            "'a_min' comes from both",
        ),
        ({}, {"preprocessors": [1]}, TypeError, "preprocessors: 1 is not callable"),
        ({}, {"max_list_size": 0}, TypeError, "max_list_size must be a positive integer"),
    ],
)
def test_declaration_mistakes_raise_at_class_creation_naming_the_culprit(
    body: dict[str, Any], meta: dict[str, Any], error: type[Exception], fragment: str
) -> None:
    with pytest.raises(error) as info:
        _declare(body, **meta)
    assert fragment in str(info.value)


def test_async_filter_by_is_refused() -> None:
    async def build(value: Any) -> Any:
        return {"name": value}

    with pytest.raises(TypeError, match="use method= instead"):
        _declare({"n": StringField(filter_by=build)})


def test_a_filterset_declared_before_models_are_ready_compiles_on_first_use(
    monkeypatch: pytest.MonkeyPatch, catalog: Any
) -> None:
    from django.apps import apps

    monkeypatch.setattr(apps, "models_ready", False)

    class Early(FilterSet):
        class Meta:
            model = Product
            fields = ["stock"]

    assert Early._compiled is None
    monkeypatch.setattr(apps, "models_ready", True)
    assert set(Early.get_parameters()) == {"stock", "stock!"}
    assert [p.stock for p in Early(data={"stock": "5"}).filter_queryset(Product.objects.all())] == [
        5
    ]
