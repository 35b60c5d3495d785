"""A ``ModelSerializer`` class's fields are built from the model once and copied per instance.

Every case compares a serializer class served from its prototypes with a twin
that builds its fields the way DRF does for each instance (the same class,
prototypes switched off): the fields' names, classes, arguments, flags,
sources and validators must be the same, for fresh and for repeated
instances, and validation must give the same result on the sync and async
paths.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.db import models
from django.test import override_settings
from django.test.utils import isolate_apps
from rest_framework import serializers as drf

from restflow.serializers import HyperlinkedModelSerializer, ModelSerializer
from sertests.models import LIMIT_CALLS, Author, Book, Edition, Quote, Reading, Tag

pytestmark = pytest.mark.django_db(transaction=True)


def _uncached(cls: type) -> Any:
    """``cls`` building its fields for every instance, as DRF does."""
    twin = type(cls.__name__, (cls,), {"__module__": cls.__module__})
    twin._restflow_prototype_fields = False  # type: ignore[attr-defined]
    return twin


def _validator(validator: Any) -> tuple[Any, ...]:
    queryset = getattr(validator, "queryset", None)
    # messages are lazy objects: compared as the text they give
    attrs = {
        key: str(value)
        for key, value in vars(validator).items()
        if key not in ("queryset", "_constructor_args")
    }
    where = None if queryset is None else (queryset.model, str(queryset.all().query))
    return type(validator), attrs, where


def _field(field: Any) -> tuple[Any, ...]:
    nested = getattr(field, "fields", None)
    return (
        type(field).__name__,
        repr(field),
        field.read_only,
        field.write_only,
        field.required,
        field.allow_null,
        repr(field.default),
        field.source,
        field.source_attrs,
        field.label,
        [_validator(validator) for validator in field.validators],
        None if nested is None else _fields(nested),
    )


def _fields(fields: Any) -> dict[str, Any]:
    return {name: _field(field) for name, field in fields.items()}


def _describe(serializer: Any) -> tuple[Any, ...]:
    return (
        _fields(serializer.fields),
        [_validator(validator) for validator in serializer.validators],
        repr(serializer),
    )


def _assert_same_fields(cls: type, **kwargs: Any) -> None:
    assert cls._restflow_prototype_fields  # type: ignore[attr-defined]
    expected = _describe(_uncached(cls)(**kwargs))
    first, second = _describe(cls(**kwargs)), _describe(cls(**kwargs))
    assert first == expected
    assert second == expected


class WithAnnotations(ModelSerializer):
    nickname: str | None

    class Meta:
        model = Author
        fields = ["id", "name"]


def _serializer(name: str, model: type, base: type = ModelSerializer, **meta: Any) -> Any:
    """A serializer class ``name`` of ``model`` whose ``Meta`` holds ``meta``."""
    return type(name, (base,), {"Meta": type("Meta", (), {"model": model, **meta})})


Everything = _serializer("Everything", Edition, fields="__all__")
Excluding = _serializer("Excluding", Book, exclude=["published"])


class WithOptions(ModelSerializer):
    title = drf.CharField(max_length=10)
    label = drf.ReadOnlyField()

    class Meta:
        model = Book
        fields = ["id", "title", "price", "author", "tags", "label", "published"]
        read_only_fields = ["published"]
        extra_kwargs = {
            "price": {"min_value": Decimal("0.01"), "validators": [lambda value: None]},
            "author": {"write_only": True},
        }


Nested = _serializer("Nested", Book, fields=["id", "title", "author", "tags"], depth=1)
NoUniqueness = _serializer(
    "NoUniqueness", Edition, fields=["book", "number", "isbn", "slug", "published"], validators=[]
)


class Renamed(ModelSerializer):
    class Meta:
        model = Edition
        fields = ["id", "name", "number", "book"]
        extra_kwargs = {"name": {"source": "isbn"}}


Linked = _serializer("Linked", Tag, HyperlinkedModelSerializer, fields="__all__")
EveryKind = _serializer("EveryKind", Reading, fields="__all__")
Dated = _serializer("Dated", Book, fields=["published"])


CASES = [Dated, WithAnnotations, Everything, Excluding, WithOptions, Nested, NoUniqueness, Renamed, Linked, EveryKind]  # fmt: skip


class TestPrototypesGiveDRFsFields:
    @pytest.mark.parametrize("cls", CASES, ids=lambda cls: cls.__name__)
    def test_the_same_fields_as_drfs_build(self, cls: type) -> None:
        _assert_same_fields(cls)
        _assert_same_fields(cls, data={"name": "x"})

    def test_unique_validators_query_their_models(self) -> None:
        fields = Everything().fields
        (unique,) = [v for v in fields["isbn"].validators if hasattr(v, "queryset")]
        assert unique.queryset.model is Edition
        assert {type(v).__name__ for v in Everything().validators} >= {
            "UniqueTogetherValidator",
            "UniqueForDateValidator",
        }

    def test_each_instance_gets_its_own_fields(self) -> None:
        first, second = Everything(), Everything()
        first.fields.pop("isbn")
        first.fields["number"].required = False
        first.fields["slug"].validators.append(lambda value: None)
        assert "isbn" in second.fields and second.fields["number"].required
        assert len(second.fields["slug"].validators) == len(Everything().fields["slug"].validators)
        assert second.fields["number"].parent is second
        assert first.fields["number"] is not second.fields["number"]

    def test_a_copy_made_from_state_shares_no_container(self) -> None:
        first, second = Everything(), Everything()
        first.fields["isbn"].error_messages["max_length"] = "changed"
        first.fields["isbn"].style["input_type"] = "changed"
        assert second.fields["isbn"].error_messages == Everything().fields["isbn"].error_messages
        assert second.fields["isbn"].style == {}

    def test_a_mutable_default_is_each_instances_own(self) -> None:
        class Listed(ModelSerializer):
            class Meta:
                model = Author
                fields = ["id", "name"]
                extra_kwargs = {"name": {"default": ["a", {"b": 1}], "required": False}}

        first, second = Listed(), Listed()
        first.fields["name"].default[1]["b"] = 2
        assert second.fields["name"].default == ["a", {"b": 1}]
        assert _describe(Listed()) == _describe(_uncached(Listed)())


def _choices() -> list[tuple[str, str]]:
    return list(CHOICES)


CHOICES = [("a", "A")]


class TestFieldsCopiedDRFsWay:
    """Fields whose constructor may give another field each time are constructed again."""

    @isolate_apps("sertests")
    def test_choices_from_a_callable_are_asked_for_each_instance(self) -> None:
        class Pick(models.Model):
            choice = models.CharField(max_length=2, choices=_choices)

            class Meta:
                app_label = "sertests"

        PickSerializer = _serializer("PickSerializer", Pick, fields=["choice"])
        assert list(PickSerializer().fields["choice"].choices) == ["a"]
        CHOICES.append(("b", "B"))
        try:
            assert list(PickSerializer().fields["choice"].choices) == ["a", "b"]
            assert _describe(PickSerializer()) == _describe(_uncached(PickSerializer)())
        finally:
            CHOICES.pop()

    @isolate_apps("sertests")
    def test_a_file_path_field_lists_its_directory_for_each_instance(self, tmp_path: Any) -> None:
        class Stored(models.Model):
            path = models.FilePathField(path=str(tmp_path))

            class Meta:
                app_label = "sertests"

        StoredSerializer = _serializer("StoredSerializer", Stored, fields=["path"])
        listed = list(StoredSerializer().fields["path"].choices)
        (tmp_path / "new.txt").write_text("x")
        assert list(StoredSerializer().fields["path"].choices) == [
            *listed,
            str(tmp_path / "new.txt"),
        ]

    def test_a_user_field_class_is_copied_drfs_way(self) -> None:
        made: list[int] = []

        class Counted(drf.CharField):
            def __init__(self, **kwargs: Any) -> None:
                made.append(1)
                super().__init__(**kwargs)

        class WithOwnField(ModelSerializer):
            serializer_field_mapping = {
                **ModelSerializer.serializer_field_mapping,
                models.CharField: Counted,
            }

            class Meta:
                model = Author
                fields = ["id", "name"]

        WithOwnField().fields  # noqa: B018 -- builds the prototypes
        before = len(made)
        assert isinstance(WithOwnField().fields["name"], Counted)
        assert len(made) == before + 1


def _edition(**overrides: Any) -> dict[str, Any]:
    data = {"book": overrides.pop("book"), "number": 1, "isbn": "123", "slug": "s"}
    return {**data, "published": "2026-01-02", "format": "hb", **overrides}


async def _outcomes(cls: type, data: dict[str, Any]) -> tuple[Any, Any]:
    sync_serializer = cls(data=data)
    sync_valid = await sync_to_async(sync_serializer.is_valid)()
    async_serializer = cls(data=data)
    async_valid = await async_serializer.ais_valid()
    outcome = (sync_valid, sync_serializer.errors, dict(sync_serializer.validated_data))
    assert outcome == (async_valid, async_serializer.errors, dict(async_serializer.validated_data))
    return outcome


class TestValidationMatchesOnBothPaths:
    async def test_unique_checks_and_required_fields(self) -> None:
        author = await Author.objects.acreate(name="a")
        book = await Book.objects.acreate(title="t", price=Decimal("1.00"), author=author)
        await Edition.objects.acreate(
            book=book, number=1, isbn="123", slug="s", published=dt.date(2026, 1, 2)
        )
        twin = _uncached(Everything)
        for data in (
            _edition(book=book.pk),  # every uniqueness rule broken
            _edition(book=book.pk, number=2, isbn="456", slug="t"),  # valid
            {"book": book.pk},  # required fields missing
        ):
            assert await _outcomes(Everything, data) == await _outcomes(twin, data)
        assert not (await _outcomes(Everything, _edition(book=book.pk)))[0]


class TestWhenPrototypesAreNotUsed:
    def test_a_callable_limit_choices_to_is_called_for_each_instance(self) -> None:
        class Quoting(ModelSerializer):
            class Meta:
                model = Quote
                fields = ["author", "text"]

        before = len(LIMIT_CALLS)
        first, second = Quoting().fields, Quoting().fields
        assert len(LIMIT_CALLS) - before == 2
        assert list(first) == list(second) == ["author", "text"]

    async def test_builders_overridden_per_instance_keep_drfs_build(self) -> None:
        class ReadOnlyOnRequest(ModelSerializer):
            class Meta:
                model = Author
                fields = ["id", "name"]

            def get_extra_kwargs(self) -> dict[str, Any]:
                extra: dict[str, Any] = super().get_extra_kwargs()
                if self.context.get("frozen"):
                    extra["name"] = {"read_only": True}
                return extra

        assert not ReadOnlyOnRequest._restflow_prototype_fields  # type: ignore[attr-defined]
        frozen = ReadOnlyOnRequest(data={"name": "x"}, context={"frozen": True})
        assert await frozen.ais_valid() and frozen.validated_data == {}
        open_ = ReadOnlyOnRequest(data={"name": "x"})
        assert await sync_to_async(open_.is_valid)() and open_.validated_data == {"name": "x"}

    def test_a_get_fields_override_is_called_for_each_instance(self) -> None:
        calls: list[int] = []

        class Counting(ModelSerializer):
            class Meta:
                model = Author
                fields = ["id", "name"]

            def get_fields(self) -> Any:
                calls.append(1)
                return super().get_fields()

        assert not Counting._restflow_prototype_fields  # type: ignore[attr-defined]
        assert set(Counting().fields) == set(Counting().fields) == {"id", "name"}
        assert len(calls) == 2


class TestDeclarationErrorsAreDRFs:
    def test_a_missing_meta_or_model_is_drfs_assertion(self) -> None:
        class NoMeta(ModelSerializer):
            pass

        NoModel = type("NoModel", (ModelSerializer,), {"Meta": type("Meta", (), {})})
        for cls, missing in ((NoMeta, '"Meta"'), (NoModel, '"Meta.model"')):
            with pytest.raises(AssertionError, match=f"missing {missing}"):
                cls().get_fields()


class TestPrototypesFollowChanges:
    def test_a_settings_change_is_seen(self) -> None:
        assert "url" in Linked().fields
        with override_settings(REST_FRAMEWORK={"URL_FIELD_NAME": "link"}):
            assert "link" in Linked().fields and "url" not in Linked().fields
        assert "url" in Linked().fields

    async def test_settings_read_by_the_fields_are_seen(self) -> None:
        data = {"published": "02.01.2026"}
        with override_settings(REST_FRAMEWORK={"DATE_INPUT_FORMATS": ["%d.%m.%Y"]}):
            for cls in (Dated, _uncached(Dated)):
                serializer = cls(data=data)
                assert await serializer.ais_valid(), serializer.errors
                assert serializer.validated_data == {"published": dt.date(2026, 1, 2)}
        serializer = Dated(data=data)
        assert not await sync_to_async(serializer.is_valid)()
        assert "published" in serializer.errors

    @isolate_apps("sertests")
    def test_a_field_added_to_the_model_is_seen(self) -> None:
        class Note(models.Model):
            text = models.TextField()

            class Meta:
                app_label = "sertests"

        class NoteSerializer(ModelSerializer):
            class Meta:
                model = Note
                fields = "__all__"

        assert set(NoteSerializer().fields) == {"id", "text"}
        models.CharField(max_length=5).contribute_to_class(Note, "mood")
        assert set(NoteSerializer().fields) == {"id", "text", "mood"}
        assert _describe(NoteSerializer()) == _describe(_uncached(NoteSerializer)())
