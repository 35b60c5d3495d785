"""User overrides of DRF's serializer methods keep working on both paths, in the mode they declare."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from rest_framework import serializers as drf
from rest_framework.test import APIRequestFactory

from restflow.serializers import Field, HyperlinkedModelSerializer, ModelSerializer, Serializer
from sertests.hops import count_hops
from sertests.models import Author, Book


class Upper(Serializer):
    name: str

    def to_internal_value(self, data: Any) -> Any:
        value = super().to_internal_value(data)
        return {"name": value["name"].upper()}


class TestToInternalValueOverride:
    def test_sync_override_is_used_by_is_valid(self) -> None:
        serializer = Upper(data={"name": "ann"})
        assert serializer.is_valid()
        assert serializer.validated_data == {"name": "ANN"}

    async def test_sync_override_is_used_by_ais_valid_in_one_hop(self) -> None:
        serializer = Upper(data={"name": "ann"})
        with count_hops() as hops:
            assert await serializer.ais_valid()
        assert serializer.validated_data == {"name": "ANN"}
        assert hops.count == 1

    async def test_async_override_is_awaited(self) -> None:
        class AsyncUpper(Serializer):
            name: str

            async def to_internal_value(self, data: Any) -> Any:
                return {"name": data["name"].upper()}

        serializer = AsyncUpper(data={"name": "ann"})
        with count_hops() as hops:
            assert await serializer.ais_valid()
        assert serializer.validated_data == {"name": "ANN"}
        assert hops.count == 0

    def test_async_override_is_refused_on_the_sync_path(self) -> None:
        class AsyncUpper(Serializer):
            name: str

            async def to_internal_value(self, data: Any) -> Any:
                return data

        with pytest.raises(
            TypeError, match=r"AsyncUpper\.to_internal_value\(\) is declared 'async"
        ):
            AsyncUpper(data={"name": "a"}).is_valid()

    def test_async_run_validation_is_refused_on_the_sync_path(self) -> None:
        class AsyncRun(Serializer):
            name: str

            async def run_validation(self, data: Any = None) -> Any:
                return data

        with pytest.raises(TypeError, match=r"AsyncRun\.run_validation\(\) is declared 'async"):
            AsyncRun(data={"name": "a"}).is_valid()

    async def test_async_run_validation_is_awaited(self) -> None:
        class AsyncRun(Serializer):
            name: str

            async def run_validation(self, data: Any = None) -> Any:
                return {"name": "from run_validation"}

        serializer = AsyncRun(data={"name": "a"})
        assert await serializer.ais_valid()
        assert serializer.validated_data == {"name": "from run_validation"}


class TestToRepresentationOverride:
    async def test_sync_override_of_to_representation_runs_in_one_hop(self) -> None:
        class Extra(Serializer):
            x: int

            def to_representation(self, instance: Any) -> Any:
                return {**super().to_representation(instance), "extra": True}

        with count_hops() as hops:
            data = await Extra([{"x": 1}, {"x": 2}], many=True).adata
        assert data == [{"x": 1, "extra": True}, {"x": 2, "extra": True}]
        assert hops.count == 1  # the whole list, not one hop per row

    async def test_write_only_fields_are_left_out(self) -> None:
        class Secret(Serializer):
            name: str
            password: str = Field(write_only=True)

        instance = {"name": "a", "password": "p"}
        assert Secret(instance).data == {"name": "a"}
        assert await Secret(instance).adata == {"name": "a"}

    def test_a_field_removed_after_first_use_is_no_longer_represented(self) -> None:
        class Point(Serializer):
            x: int
            y: int

        serializer = Point()
        assert serializer.to_representation({"x": 1, "y": 2}) == {"x": 1, "y": 2}
        serializer.fields.pop("y")
        assert serializer.to_representation({"x": 1, "y": 2}) == {"x": 1}


@pytest.mark.urls("sertests.urls")
@pytest.mark.django_db(transaction=True)
class TestHyperlinked:
    async def test_relations_and_identity_are_urls_on_both_paths(self) -> None:
        class BookLinks(HyperlinkedModelSerializer):
            class Meta:
                model = Book
                fields = ["url", "title", "author"]

        author = await Author.objects.acreate(name="Ursula")
        book = await Book.objects.acreate(title="T", price=Decimal("1"), author=author)
        request = APIRequestFactory().get("/")
        context = {"request": request}
        with count_hops() as hops:
            data = await BookLinks(book, context=context).adata
        assert hops.count == 0
        assert data == {
            "url": f"http://testserver/books/{book.pk}/",
            "title": "T",
            "author": f"http://testserver/authors/{author.pk}/",
        }


@pytest.mark.django_db(transaction=True)
class TestModelSerializerHooks:
    async def test_async_validate_field_on_a_model_serializer_can_query(self) -> None:
        class AuthorSerializer(ModelSerializer):
            class Meta:
                model = Author
                fields = ["name"]

            async def validate_name(self, value: str) -> str:
                if await Author.objects.filter(name=value).aexists():
                    raise drf.ValidationError("exists")
                return value

        await Author.objects.acreate(name="ann")
        taken = AuthorSerializer(data={"name": "ann"})
        assert not await taken.ais_valid()
        assert taken.errors == {"name": ["exists"]}
        free = AuthorSerializer(data={"name": "bob"})
        assert await free.ais_valid()
        created = await free.asave()
        assert created.pk is not None

    async def test_nested_writes_are_refused_as_in_drf(self) -> None:
        class AuthorInline(ModelSerializer):
            class Meta:
                model = Author
                fields = ["name"]

        class BookNested(ModelSerializer):
            author = AuthorInline()

            class Meta:
                model = Book
                fields = ["title", "price", "author"]

        serializer = BookNested(data={"title": "t", "price": "1", "author": {"name": "a"}})
        assert await serializer.ais_valid(), serializer.errors
        with pytest.raises(AssertionError, match="does not support writable nested fields"):
            await serializer.asave()
