"""``InlineSerializer`` with a model (issue 19, item 3): model field names mixed with typed and
explicit fields, a derived name, the reference library's ``model_fields``/``extra_kwargs``/
``read_only_fields``/``write_only_fields``; sync and async validation."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from rest_framework import fields as drf_fields
from rest_framework import serializers as drf

from restflow.serializers import InlineSerializer, ModelSerializer, Serializer
from sertests.models import Author, Book


def test_a_model_with_model_fields_and_typed_and_explicit_fields() -> None:
    BookCard = InlineSerializer(
        name="BookCard",
        model=Book,
        model_fields=["id", "title"],
        fields={"summary": str, "rating": drf.IntegerField(min_value=1, max_value=5)},
    )
    assert issubclass(BookCard, ModelSerializer)
    fields = BookCard().fields
    assert list(fields) == ["id", "title", "summary", "rating"]
    assert isinstance(fields["title"], drf_fields.CharField)
    assert fields["title"].max_length == 100  # from the model field
    assert isinstance(fields["summary"], drf_fields.CharField)
    assert fields["rating"].max_value == 5


def test_a_list_of_model_field_names_mixed_with_typed_fields() -> None:
    Mixed = InlineSerializer(model=Author, fields=["id", "name", ("nickname", str)])
    assert list(Mixed().fields) == ["id", "name", "nickname"]


def test_the_name_is_derived_when_omitted() -> None:
    assert InlineSerializer(model=Author, model_fields=["name"]).__name__ == "AuthorSerializer"
    assert InlineSerializer(fields={"x": int}).__name__ == "InlineSerializer"


def test_a_model_alone_serializes_every_field() -> None:
    every = InlineSerializer(model=Author)
    assert set(every().fields) == {field.name for field in Author._meta.fields}


def test_read_only_write_only_and_extra_kwargs_reach_the_model_fields() -> None:
    Card = InlineSerializer(
        model=Book,
        model_fields=["id", "title", "price"],
        read_only_fields=["title"],
        write_only_fields=["price"],
        extra_kwargs={"id": {"help_text": "The book."}},
    )
    fields = Card().fields
    assert fields["title"].read_only and fields["price"].write_only
    assert fields["id"].help_text == "The book."


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["sync", "async"])
def test_it_validates_on_both_paths(path: str) -> None:
    Writer = InlineSerializer(model=Author, model_fields=["name"], fields={"motto": str})
    serializer = Writer(data={"name": "Ann", "motto": "Less is more"})
    valid = serializer.is_valid() if path == "sync" else async_to_sync(serializer.ais_valid)()
    assert valid, serializer.errors
    assert serializer.validated_data == {"name": "Ann", "motto": "Less is more"}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "fields or a model"),
        ({"fields": {"x": int}, "model_fields": ["x"]}, "model_fields needs a model"),
        ({"model": Author, "fields": ["id", 3]}, "field 3"),
        ({"model": Author, "name": "not valid"}, "identifier"),
    ],
)
def test_bad_declarations_are_type_errors_naming_the_culprit(kwargs: dict, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        InlineSerializer(**kwargs)


def test_without_a_model_it_is_a_plain_serializer() -> None:
    Point = InlineSerializer(fields={"x": int, "y": int})
    assert issubclass(Point, Serializer) and not issubclass(Point, ModelSerializer)
