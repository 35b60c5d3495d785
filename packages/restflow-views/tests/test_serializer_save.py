"""Saving on both paths: the user's own create()/update() (sync or async), ModelSerializer with M2M."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from rest_framework import serializers as drf

from restflow.serializers import ModelSerializer, Serializer
from sertests.hops import count_hops
from sertests.models import Author, Book, Tag


class Note(Serializer):
    text: str


class SyncCreate(Note):
    def create(self, validated_data: Any) -> dict:
        return {"made_by": "create", **validated_data}

    def update(self, instance: dict, validated_data: Any) -> dict:
        return {**instance, **validated_data, "made_by": "update"}


class AsyncCreate(Note):
    async def create(self, validated_data: Any) -> dict:
        return {"made_by": "async create", **validated_data}

    async def update(self, instance: dict, validated_data: Any) -> dict:
        return {**instance, **validated_data, "made_by": "async update"}


class TwinCreate(Note):
    async def acreate(self, validated_data: Any) -> dict:
        return {"made_by": "acreate", **validated_data}

    async def aupdate(self, instance: dict, validated_data: Any) -> dict:
        return {**instance, **validated_data, "made_by": "aupdate"}


class TestAsaveCallsTheUsersOwnMethods:
    @pytest.mark.parametrize(
        ("serializer_class", "made_by", "hops"),
        [(SyncCreate, "create", 1), (AsyncCreate, "async create", 0), (TwinCreate, "acreate", 0)],
    )
    async def test_asave_creates_with_the_users_create(
        self, serializer_class: type, made_by: str, hops: int
    ) -> None:
        serializer = serializer_class(data={"text": "hi"})
        assert await serializer.ais_valid()
        with count_hops() as counter:
            instance = await serializer.asave(owner="ann")
        assert instance == {"made_by": made_by, "text": "hi", "owner": "ann"}
        assert serializer.instance is instance
        assert counter.count == hops

    @pytest.mark.parametrize(
        ("serializer_class", "made_by"),
        [(SyncCreate, "update"), (AsyncCreate, "async update"), (TwinCreate, "aupdate")],
    )
    async def test_asave_updates_with_the_users_update(
        self, serializer_class: type, made_by: str
    ) -> None:
        serializer = serializer_class({"text": "old", "id": 1}, data={"text": "new"})
        assert await serializer.ais_valid()
        instance = await serializer.asave()
        assert instance == {"text": "new", "id": 1, "made_by": made_by}

    def test_sync_save_uses_sync_create(self) -> None:
        serializer = SyncCreate(data={"text": "hi"})
        assert serializer.is_valid()
        assert serializer.save() == {"made_by": "create", "text": "hi"}

    def test_sync_save_refuses_async_create_naming_it(self) -> None:
        serializer = AsyncCreate(data={"text": "hi"})
        assert serializer.is_valid()
        with pytest.raises(
            TypeError, match=r"AsyncCreate\.create\(\) is declared 'async def'.*asave"
        ):
            serializer.save()

    def test_sync_save_refuses_an_acreate_without_create(self) -> None:
        serializer = TwinCreate(data={"text": "hi"})
        assert serializer.is_valid()
        with pytest.raises(TypeError, match=r"TwinCreate defines acreate\(\) but no sync create"):
            serializer.save()

    def test_sync_save_refuses_async_update(self) -> None:
        serializer = AsyncCreate({"text": "old"}, data={"text": "new"})
        assert serializer.is_valid()
        with pytest.raises(TypeError, match=r"AsyncCreate\.update\(\) is declared 'async def'"):
            serializer.save()

    async def test_asave_without_any_create_says_what_to_implement(self) -> None:
        serializer = Note(data={"text": "hi"})
        assert await serializer.ais_valid()
        with pytest.raises(NotImplementedError, match=r"Note: implement create\(\) or acreate\(\)"):
            await serializer.asave()

    async def test_asave_before_validation_is_refused(self) -> None:
        with pytest.raises(AssertionError, match=r"call is_valid\(\)/ais_valid\(\) before saving"):
            await SyncCreate(data={"text": "hi"}).asave()

    async def test_asave_of_invalid_data_is_refused(self) -> None:
        serializer = SyncCreate(data={})
        assert not await serializer.ais_valid()
        with pytest.raises(AssertionError, match="cannot save invalid data"):
            await serializer.asave()

    def test_many_sync_save_refuses_an_async_child_create(self) -> None:
        serializer = AsyncCreate(data=[{"text": "a"}], many=True)
        assert serializer.is_valid()
        with pytest.raises(TypeError, match=r"AsyncCreate\.create\(\) is declared 'async def'"):
            serializer.save()

    @pytest.mark.parametrize("path", ["sync", "async"])
    async def test_many_save_creates_every_item(self, path: str) -> None:
        serializer = SyncCreate(data=[{"text": "a"}, {"text": "b"}], many=True)
        assert serializer.is_valid()
        created = serializer.save() if path == "sync" else await serializer.asave()
        assert created == [{"made_by": "create", "text": "a"}, {"made_by": "create", "text": "b"}]

    async def test_many_asave_awaits_an_async_child_create(self) -> None:
        serializer = AsyncCreate(data=[{"text": "a"}], many=True)
        assert await serializer.ais_valid()
        assert await serializer.asave() == [{"made_by": "async create", "text": "a"}]

    async def test_many_asave_creates_every_item_in_one_hop(self) -> None:
        serializer = SyncCreate(data=[{"text": "a"}, {"text": "b"}, {"text": "c"}], many=True)
        assert await serializer.ais_valid()
        with count_hops() as counter:
            created = await serializer.asave()
        assert [item["text"] for item in created] == ["a", "b", "c"]
        assert counter.count == 1


class BookSerializer(ModelSerializer):
    class Meta:
        model = Book
        fields = ["id", "title", "price", "author", "tags"]


@pytest.fixture
def author() -> Author:
    return Author.objects.create(name="Ursula")


@pytest.fixture
def tags() -> list[Tag]:
    return [Tag.objects.create(name="sf"), Tag.objects.create(name="classic")]


def book_input(author: Author, tags: list[Tag]) -> dict:
    return {
        "title": "Dispossessed",
        "price": "12.50",
        "author": author.pk,
        "tags": [t.pk for t in tags],
    }


@pytest.mark.django_db
class TestModelSerializerSyncSave:
    def test_save_creates_the_row_and_its_many_to_many(
        self, author: Author, tags: list[Tag]
    ) -> None:
        serializer = BookSerializer(data=book_input(author, tags))
        assert serializer.is_valid(), serializer.errors
        book = serializer.save()
        assert book.pk is not None
        assert set(book.tags.values_list("name", flat=True)) == {"sf", "classic"}

    def test_save_updates_fields_and_replaces_many_to_many(
        self, author: Author, tags: list[Tag]
    ) -> None:
        book = Book.objects.create(title="Old", price=Decimal("1.00"), author=author)
        book.tags.set(tags)
        serializer = BookSerializer(book, data={"title": "New", "tags": [tags[0].pk]}, partial=True)
        assert serializer.is_valid(), serializer.errors
        serializer.save()
        book.refresh_from_db()
        assert book.title == "New"
        assert list(book.tags.values_list("name", flat=True)) == ["sf"]


@pytest.mark.django_db(transaction=True)
class TestModelSerializerAsyncSave:
    async def test_asave_creates_the_row_and_its_many_to_many(self) -> None:
        author = await Author.objects.acreate(name="Ursula")
        tags = [await Tag.objects.acreate(name="sf"), await Tag.objects.acreate(name="classic")]
        serializer = BookSerializer(data=book_input(author, tags))
        assert await serializer.ais_valid(), serializer.errors
        with count_hops() as counter:
            book = await serializer.asave()
        assert counter.count == 1  # the row and both tags in one hop
        assert book.pk is not None
        names = [name async for name in book.tags.values_list("name", flat=True)]
        assert set(names) == {"sf", "classic"}
        assert await Book.objects.acount() == 1

    async def test_asave_updates_fields_and_replaces_many_to_many(self) -> None:
        author = await Author.objects.acreate(name="Ursula")
        tags = [await Tag.objects.acreate(name="sf"), await Tag.objects.acreate(name="classic")]
        book = await Book.objects.acreate(title="Old", price=Decimal("1.00"), author=author)
        await book.tags.aset(tags)
        serializer = BookSerializer(book, data={"title": "New", "tags": [tags[0].pk]}, partial=True)
        assert await serializer.ais_valid(), serializer.errors
        with count_hops() as counter:
            await serializer.asave()
        assert counter.count == 1
        fresh = await Book.objects.aget(pk=book.pk)
        assert fresh.title == "New"
        assert [name async for name in fresh.tags.values_list("name", flat=True)] == ["sf"]

    async def test_related_fields_are_validated_in_one_hop(self) -> None:
        author = await Author.objects.acreate(name="Ursula")
        tags = [await Tag.objects.acreate(name="sf"), await Tag.objects.acreate(name="classic")]
        serializer = BookSerializer(data=book_input(author, tags))
        with count_hops() as counter:
            assert await serializer.ais_valid(), serializer.errors
        assert counter.count == 1  # the author and tags lookups share one thread hop
        assert serializer.validated_data["author"] == author

    async def test_unknown_related_pk_is_a_validation_error(self) -> None:
        serializer = BookSerializer(data={"title": "x", "price": "1", "author": 999, "tags": []})
        assert not await serializer.ais_valid()
        assert set(serializer.errors) == {"author"}

    async def test_unique_validator_runs_in_a_thread_and_rejects_duplicates(self) -> None:
        class TagSerializer(ModelSerializer):
            class Meta:
                model = Tag
                fields = ["name"]

        await Tag.objects.acreate(name="sf")
        serializer = TagSerializer(data={"name": "sf"})
        with count_hops() as counter:
            assert not await serializer.ais_valid()
        assert counter.count == 1
        assert serializer.errors["name"][0].code == "unique"

    async def test_user_sync_create_on_a_model_serializer_is_used_by_asave(self) -> None:
        class Counted(ModelSerializer):
            class Meta:
                model = Author
                fields = ["name"]

            def create(self, validated_data: Any) -> Author:
                return Author.objects.create(name=validated_data["name"].upper())

        serializer = Counted(data={"name": "ann"})
        assert await serializer.ais_valid()
        author = await serializer.asave()
        assert author.name == "ANN"
        assert await Author.objects.filter(name="ANN").aexists()

    async def test_a_non_model_writable_field_in_acreate_is_a_clear_type_error(self) -> None:
        class Bad(ModelSerializer):
            nickname = drf.CharField()

            class Meta:
                model = Author
                fields = ["name", "nickname"]

        serializer = Bad(data={"name": "a", "nickname": "b"})
        assert await serializer.ais_valid()
        with pytest.raises(TypeError, match=r"calling `Author\.objects\.create\(\)`.*Bad\.create"):
            await serializer.asave()


@pytest.mark.django_db(transaction=True)
async def test_sync_and_async_saves_store_the_same_rows() -> None:
    author = await Author.objects.acreate(name="Ursula")
    data = {"title": "Lathe", "price": "3.10", "author": author.pk, "tags": []}

    def sync_save() -> Book:
        serializer = BookSerializer(data=data)
        assert serializer.is_valid()
        return serializer.save()

    first = await sync_to_async(sync_save)()
    serializer = BookSerializer(data=data)
    assert await serializer.ais_valid()
    second = await serializer.asave()
    rows = [row async for row in Book.objects.order_by("pk").values("title", "price", "author")]
    assert rows[0] == rows[1]
    assert first.pk != second.pk
