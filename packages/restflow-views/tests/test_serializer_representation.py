"""Representation on both paths: ``data`` and ``await serializer.adata`` agree, hops only for I/O."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from rest_framework import serializers as drf

from restflow.core import mark_loop_safe
from restflow.serializers import Field, ModelSerializer, Serializer
from sertests.hops import count_hops
from sertests.models import Author, Book, Tag


class BookSerializer(ModelSerializer):
    label: str = Field(read_only=True)

    class Meta:
        model = Book
        fields = ["id", "title", "price", "author", "published"]


class BookWithTags(ModelSerializer):
    class Meta:
        model = Book
        fields = ["id", "title", "tags"]


async def make_books(count: int) -> list[Book]:
    author = await Author.objects.acreate(name="Ursula")
    return [
        await Book.objects.acreate(title=f"Book {n}", price=Decimal("1.50"), author=author)
        for n in range(count)
    ]


class TestPlainData:
    async def test_adata_equals_data(self) -> None:
        class Point(Serializer):
            x: int
            y: int
            label: str | None = None

        instance = {"x": 1, "y": 2, "label": None}
        sync_data = Point(instance).data
        async_data = await Point(instance).adata
        assert sync_data == async_data == {"x": 1, "y": 2, "label": None}

    async def test_adata_after_validation_represents_validated_data(self) -> None:
        class Point(Serializer):
            x: int

        serializer = Point(data={"x": "4"})
        assert await serializer.ais_valid()
        assert await serializer.adata == {"x": 4}

    async def test_adata_of_invalid_input_returns_the_initial_data(self) -> None:
        class Point(Serializer):
            x: int

        serializer = Point(data={"x": "nope"})
        assert not await serializer.ais_valid()
        assert await serializer.adata == {"x": "nope"}

    async def test_adata_before_validation_is_refused(self) -> None:
        class Point(Serializer):
            x: int

        with pytest.raises(AssertionError, match=r"call is_valid\(\)/ais_valid\(\) before reading"):
            await Point(data={"x": 1}).adata

    def test_sync_data_refuses_an_async_to_representation(self) -> None:
        class Custom(Serializer):
            x: int

            async def to_representation(self, instance: Any) -> Any:
                return {"x": instance["x"]}

        with pytest.raises(
            TypeError, match=r"Custom\.to_representation\(\) is declared 'async def'"
        ):
            _ = Custom({"x": 1}).data

    async def test_adata_awaits_an_async_to_representation(self) -> None:
        class Custom(Serializer):
            x: int

            async def to_representation(self, instance: Any) -> Any:
                return {"x": instance["x"] * 10}

        assert await Custom({"x": 1}).adata == {"x": 10}

    @pytest.mark.parametrize("path", ["sync", "async"])
    async def test_async_method_field_is_refused_naming_it(self, path: str) -> None:
        class AsyncMethod(Serializer):
            x: int
            double = drf.SerializerMethodField()

            async def get_double(self, obj: Any) -> int:
                return 2

        async def read() -> Any:
            serializer = AsyncMethod({"x": 1})
            return serializer.data if path == "sync" else await serializer.adata

        with pytest.raises(TypeError, match=r"AsyncMethod\.get_double\(\) is declared 'async def'"):
            await read()

    async def test_method_field_runs_in_a_thread_unless_marked_loop_safe(self) -> None:
        class Unmarked(Serializer):
            x: int
            double = drf.SerializerMethodField()

            def get_double(self, obj: Any) -> int:
                return int(obj["x"]) * 2

        class Marked(Unmarked):
            @mark_loop_safe
            def get_double(self, obj: Any) -> int:
                return int(obj["x"]) * 2

        with count_hops() as unmarked:
            assert await Unmarked({"x": 2}).adata == {"x": 2, "double": 4}
        with count_hops() as marked:
            assert await Marked({"x": 2}).adata == {"x": 2, "double": 4}
        assert (unmarked.count, marked.count) == (1, 0)


class TestNested:
    class Address(Serializer):
        city: str

    async def test_nested_plain_serializers_stay_on_the_loop(self) -> None:
        class Customer(Serializer):
            name: str
            address: TestNested.Address
            previous: list[TestNested.Address]

        instance = {"name": "a", "address": {"city": "x"}, "previous": [{"city": "y"}]}
        with count_hops() as hops:
            data = await Customer(instance).adata
        assert data == instance
        assert hops.count == 0

    async def test_a_nested_method_field_sends_the_whole_object_to_one_hop(self) -> None:
        class Tagged(Serializer):
            city: str
            upper = drf.SerializerMethodField()

            def get_upper(self, obj: Any) -> str:
                return str(obj["city"]).upper()

        class Customer(Serializer):
            name: str
            places: list[Tagged]

        instance = {"name": "a", "places": [{"city": "x"}, {"city": "y"}]}
        with count_hops() as hops:
            data = await Customer([instance, instance], many=True).adata
        assert data[1]["places"] == [{"city": "x", "upper": "X"}, {"city": "y", "upper": "Y"}]
        assert hops.count == 1


@pytest.mark.django_db(transaction=True)
class TestModels:
    async def test_a_page_of_fifty_rows_is_represented_on_the_loop(self) -> None:
        books = await make_books(50)
        with count_hops() as counter:
            data = await BookSerializer(books, many=True).adata
        assert counter.count == 0
        assert len(data) == 50
        assert data[0] == {
            "id": books[0].pk,
            "title": "Book 0",
            "price": "1.50",
            "author": books[0].author_id,
            "published": None,
            "label": "Book 0 (1.50)",
        }

    async def test_async_and_sync_representations_agree(self) -> None:
        books = await make_books(3)
        async_data = await BookSerializer(books, many=True).adata
        sync_data = await sync_to_async(lambda: BookSerializer(books, many=True).data)()
        assert async_data == sync_data

    async def test_an_unevaluated_queryset_is_fetched_with_one_query_hop(self) -> None:
        await make_books(5)
        queryset = Book.objects.order_by("pk")
        with count_hops() as counter:
            data = await BookSerializer(queryset, many=True).adata
        assert counter.count == 1  # Django's own hop to run the query
        assert [row["title"] for row in data] == [f"Book {n}" for n in range(5)]

    async def test_an_unprefetched_relation_falls_back_to_one_thread_hop(self) -> None:
        books = await make_books(2)
        tag = await Tag.objects.acreate(name="sf")
        await books[0].tags.aset([tag])
        with count_hops() as counter:
            data = await BookWithTags(books, many=True).adata
        assert counter.count == 1
        assert [row["tags"] for row in data] == [[tag.pk], []]

    async def test_a_prefetched_relation_stays_on_the_loop(self) -> None:
        books = await make_books(2)
        tag = await Tag.objects.acreate(name="sf")
        await books[1].tags.aset([tag])
        page = [book async for book in Book.objects.order_by("pk").prefetch_related("tags")]
        with count_hops() as counter:
            data = await BookWithTags(page, many=True).adata
        assert counter.count == 0
        assert [row["tags"] for row in data] == [[], [tag.pk]]

    async def test_single_instance_adata(self) -> None:
        (book,) = await make_books(1)
        with count_hops() as counter:
            data = await BookSerializer(book).adata
        assert counter.count == 0
        assert data["title"] == "Book 0"
