"""Annotation-declared fields: types, options, order, ModelSerializer merging, InlineSerializer.

This module uses ``from __future__ import annotations`` on purpose: every
annotation below is a string that restflow must resolve.
"""

from __future__ import annotations

import datetime
import decimal
from typing import ClassVar, Literal, NotRequired, Optional

import pytest
from rest_framework import fields as drf_fields
from rest_framework import serializers as drf

from restflow.serializers import (
    Email,
    Field,
    HyperlinkedModelSerializer,
    InlineSerializer,
    ListSerializer,
    ModelSerializer,
    Serializer,
)
from sertests.models import Author, Book


class Address(Serializer):
    city: str
    zip: str


class Person(Serializer):
    name: str
    age: int
    email: Email
    bio: str | None
    nickname: Optional[str]  # noqa: UP045 (the typing spelling must work too)
    role: Literal["admin", "user"]
    tags: list[str]
    score: decimal.Decimal
    born: datetime.date
    address: Address
    previous: list[Address]
    note: NotRequired[str]
    extra: str = Field(write_only=True, max_length=5)
    country: str = "fr"
    LIMIT: ClassVar[int] = 3


class TestAnnotationsBecomeFields:
    def test_each_annotation_maps_to_its_drf_field(self) -> None:
        fields = Person().fields
        assert isinstance(fields["name"], drf_fields.CharField)
        assert isinstance(fields["age"], drf_fields.IntegerField)
        assert isinstance(fields["email"], drf_fields.EmailField)
        assert isinstance(fields["score"], drf_fields.DecimalField)
        assert isinstance(fields["born"], drf_fields.DateField)
        assert isinstance(fields["tags"], drf_fields.ListField)
        assert isinstance(fields["tags"].child, drf_fields.CharField)
        assert isinstance(fields["address"], Address)
        assert isinstance(fields["previous"], ListSerializer)
        assert isinstance(fields["previous"].child, Address)

    def test_optional_allows_null_in_both_spellings(self) -> None:
        fields = Person().fields
        assert fields["bio"].allow_null and fields["nickname"].allow_null
        assert not fields["name"].allow_null

    def test_literal_becomes_a_choice_field(self) -> None:
        role = Person().fields["role"]
        assert isinstance(role, drf_fields.ChoiceField)
        assert list(role.choices) == ["admin", "user"]

    def test_not_required_makes_the_field_optional(self) -> None:
        fields = Person().fields
        assert fields["note"].required is False
        assert fields["name"].required is True

    def test_field_options_reach_the_drf_field(self) -> None:
        extra = Person().fields["extra"]
        assert extra.write_only is True
        assert extra.max_length == 5

    def test_a_plain_default_becomes_the_field_default(self) -> None:
        country = Person().fields["country"]
        assert country.default == "fr"
        assert country.required is False
        assert "country" not in vars(Person)  # the default is not left as a class attribute

    def test_class_var_is_a_constant_not_a_field(self) -> None:
        assert "LIMIT" not in Person().fields
        assert Person.LIMIT == 3

    def test_field_without_annotation_is_a_type_error_naming_the_attribute(self) -> None:
        with pytest.raises(TypeError, match=r"Broken\.extra: Field\(\.\.\.\) needs a type"):

            class Broken(Serializer):
                extra = Field(required=False)

    def test_unsupported_annotation_is_a_type_error_naming_class_and_attribute(self) -> None:
        with pytest.raises(TypeError, match=r"Broken\.values: unsupported annotation"):

            class Broken(Serializer):
                values: set[str]

    def test_unresolvable_annotation_is_a_type_error_naming_the_attribute(self) -> None:
        with pytest.raises(TypeError, match=r"Broken\.thing: cannot resolve annotation"):

            class Broken(Serializer):
                thing: NoSuchType  # type: ignore[name-defined]  # noqa: F821

    def test_each_instance_gets_fresh_fields(self) -> None:
        first, second = Person(), Person()
        assert first.fields["name"] is not second.fields["name"]


class TestFieldOrder:
    def test_inherited_then_annotated_then_explicit(self) -> None:
        class Base(Serializer):
            base_explicit = drf.CharField()
            base_annotated: int

        class Child(Base):
            explicit = drf.IntegerField()
            annotated: str
            second: bool

        assert list(Base().fields) == ["base_annotated", "base_explicit"]
        assert list(Child().fields) == [
            "base_annotated",
            "base_explicit",
            "annotated",
            "second",
            "explicit",
        ]

    def test_reannotated_field_keeps_its_base_position_and_takes_the_new_type(self) -> None:
        class Base(Serializer):
            first: str
            second: str

        class Child(Base):
            first: int  # type: ignore[assignment]
            third: str

        fields = Child().fields
        assert list(fields) == ["first", "second", "third"]
        assert isinstance(fields["first"], drf_fields.IntegerField)

    def test_explicit_field_replaces_an_inherited_annotation(self) -> None:
        class Base(Serializer):
            value: str

        class Child(Base):
            value = drf.IntegerField(min_value=0)  # type: ignore[assignment]

        field = Child().fields["value"]
        assert isinstance(field, drf_fields.IntegerField) and field.min_value == 0


class TestInheritance:
    """Fields inherited from DRF serializers and mixins, as DRF's own metaclass orders them."""

    def test_a_drf_serializer_base_gives_its_fields_first(self) -> None:
        class Plain(drf.Serializer):
            code = drf.CharField()
            size = drf.IntegerField()

        class Child(Serializer, Plain):
            label: str

        assert list(Child().fields) == ["code", "size", "label"]

    def test_the_first_base_naming_a_field_wins(self) -> None:
        class Left(drf.Serializer):
            shared = drf.CharField()
            left = drf.CharField()

        class Right(Serializer):
            right: str
            shared: int

        class Child(Left, Right):
            own: bool

        fields = Child().fields
        assert list(fields) == ["shared", "left", "right", "own"]
        assert isinstance(fields["shared"], drf_fields.CharField)

    def test_a_field_set_to_none_is_removed(self) -> None:
        class Plain(drf.Serializer):
            kept = drf.CharField()
            dropped = drf.CharField()

        class Base(Serializer):
            gone: str
            stays: str

        class Child(Base, Plain):
            gone = None  # type: ignore[assignment]
            dropped = None
            added: int

        assert list(Child().fields) == ["stays", "kept", "added"]

    def test_a_reannotated_drf_field_with_a_default_keeps_its_position(self) -> None:
        class Plain(drf.Serializer):
            first = drf.CharField()
            second = drf.CharField()

        class Child(Serializer, Plain):
            first: int = Field(min_value=1)  # type: ignore[assignment]
            third: str = "x"

        fields = Child().fields
        assert list(fields) == ["first", "second", "third"]
        assert isinstance(fields["first"], drf_fields.IntegerField)
        assert fields["first"].min_value == 1
        assert "first" not in vars(Child) and "third" not in vars(Child)

    def test_a_redeclared_drf_field_moves_after_the_annotated_ones(self) -> None:
        class Plain(drf.Serializer):
            first = drf.CharField()
            second = drf.CharField()

        class Child(Serializer, Plain):
            first = drf.IntegerField()
            own: str

        fields = Child().fields
        assert list(fields) == ["second", "own", "first"]
        assert isinstance(fields["first"], drf_fields.IntegerField)

    def test_a_constant_shadows_a_base_field_and_is_seen_by_init_subclass(self) -> None:
        seen: list[object] = []

        class Base(Serializer):
            kind: str

            def __init_subclass__(cls, **kwargs: object) -> None:
                super().__init_subclass__(**kwargs)
                seen.append(vars(cls).get("kind"))

        class Child(Base):
            kind: ClassVar[str] = "child"  # type: ignore[misc]
            own: str

        assert seen == ["child"]
        assert Child.kind == "child"
        assert list(Child().fields) == ["own"]


class TestModelSerializerAnnotations:
    def test_annotated_names_join_meta_fields(self) -> None:
        class BookSerializer(ModelSerializer):
            label: str = Field(read_only=True)

            class Meta:
                model = Book
                fields = ["id", "title"]

        assert BookSerializer.Meta.fields == ["id", "title", "label"]
        assert list(BookSerializer().fields) == ["id", "title", "label"]

    def test_merging_leaves_a_base_meta_untouched(self) -> None:
        class Base(ModelSerializer):
            class Meta:
                model = Book
                fields = ("id", "title")

        class Child(Base):
            label: str = Field(read_only=True)

        assert Base.Meta.fields == ("id", "title")
        assert Child.Meta.fields == ("id", "title", "label")
        assert list(Base().fields) == ["id", "title"]

    def test_all_fields_keeps_model_fields_and_adds_annotations(self) -> None:
        class AuthorSerializer(ModelSerializer):
            shout: str = Field(read_only=True, source="name")

            class Meta:
                model = Author
                fields = "__all__"

        # DRF's own order for "__all__": the pk, declared fields, then model fields
        assert list(AuthorSerializer().fields) == ["id", "shout", "name"]

    def test_meta_fields_of_a_wrong_type_is_a_type_error(self) -> None:
        with pytest.raises(TypeError, match=r"Bad\.Meta\.fields must be a list"):

            class Bad(ModelSerializer):
                extra: str

                class Meta:
                    model = Book
                    fields = {"id"}

    def test_hyperlinked_model_serializer_is_typed_too(self) -> None:
        class BookLinks(HyperlinkedModelSerializer):
            label: str = Field(read_only=True)

            class Meta:
                model = Book
                fields = ["title", "author"]

        fields = BookLinks(context={"request": None}).fields
        assert list(fields) == ["title", "author", "label"]
        assert isinstance(fields["author"], drf.HyperlinkedRelatedField)


class TestInlineSerializer:
    def test_builds_a_serializer_in_dict_order_from_types_fields_and_options(self) -> None:
        Inline = InlineSerializer(
            name="Address",
            fields={
                "city": str,
                "zip": drf.CharField(max_length=5),
                "note": (str, Field(required=False)),
            },
        )
        assert Inline.__name__ == "Address"
        assert issubclass(Inline, Serializer)
        fields = Inline().fields
        assert list(fields) == ["city", "zip", "note"]
        assert isinstance(fields["city"], drf_fields.CharField)
        assert fields["zip"].max_length == 5
        assert fields["note"].required is False

    def test_validates_like_a_declared_serializer(self) -> None:
        Inline = InlineSerializer(name="Point", fields={"x": int, "y": int})
        serializer = Inline(data={"x": "1", "y": "nope"})
        assert not serializer.is_valid()
        assert set(serializer.errors) == {"y"}

    def test_with_a_model_is_a_model_serializer(self) -> None:
        Inline = InlineSerializer(name="BookTitle", fields=["id", "title"], model=Book)
        assert issubclass(Inline, ModelSerializer)
        assert list(Inline().fields) == ["id", "title"]

    def test_nests_inside_another_serializer_by_annotation(self) -> None:
        Inline = InlineSerializer(name="Address", fields={"city": str})

        class Customer(Serializer):
            address: Inline  # type: ignore[valid-type]

        assert isinstance(Customer().fields["address"], Inline)

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"name": "not valid", "fields": {}}, "must be a Python identifier"),
            ({"name": "X", "fields": ["a"]}, "fields must be a dict"),
            ({"name": "X", "fields": {"a": Field()}}, "'a' needs a type"),
            ({"name": "X", "fields": {"a": (str, 3)}}, r"must be \(type, Field"),
            ({"name": "X", "fields": {"a": set[int]}}, r"X\.a: unsupported annotation"),
        ],
    )
    def test_bad_declarations_are_type_errors(self, kwargs: dict, message: str) -> None:
        with pytest.raises(TypeError, match=message):
            InlineSerializer(**kwargs)


class Money:
    """A user type mapped to a field with ``register_type``."""


class TestExtendableTypeMap:
    def test_registered_type_maps_to_its_field(self) -> None:
        from restflow.serializers import register_type

        register_type(Money, drf_fields.DecimalField, max_digits=8, decimal_places=2)

        class Priced(Serializer):
            amount: Money

        field = Priced().fields["amount"]
        assert isinstance(field, drf_fields.DecimalField)
        assert (field.max_digits, field.decimal_places) == (8, 2)

    def test_get_field_from_type_is_exposed(self) -> None:
        from restflow.serializers import get_field_from_type

        field = get_field_from_type(list[int] | None)
        assert isinstance(field, drf_fields.ListField) and field.allow_null
