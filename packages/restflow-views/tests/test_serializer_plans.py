"""Representation plans: flat serializers skip DRF's per-field calls and give DRF's output.

Every case compares restflow's ``data`` and ``adata`` with a plain DRF
``ModelSerializer`` over the same rows, and says whether the plan was used.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.test import override_settings
from rest_framework import serializers as drf

from restflow.serializers import ModelSerializer
from restflow.serializers._plan import row_plan
from sertests.models import Author, Book, Reading

pytestmark = pytest.mark.django_db(transaction=True)

FIELDS = [
    "id", "sensor", "count", "value", "exact", "ok", "note", "unit",
    "taken_at", "day", "at", "span", "token", "email",
]  # fmt: skip


class DRFReading(drf.ModelSerializer):
    class Meta:
        model = Reading
        fields = FIELDS


class ReadingSerializer(ModelSerializer):
    class Meta:
        model = Reading
        fields = FIELDS


def _readings() -> list[Reading]:
    author = Author.objects.create(name="probe")
    full = Reading.objects.create(
        sensor=author, count=3, value=1.5, exact=Decimal("2.125"), ok=True, note="n",
        unit="k", taken_at=dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
        day=dt.date(2026, 1, 2), at=dt.time(3, 4), span=dt.timedelta(minutes=90),
        token=uuid.UUID(int=7), email="a@example.org",
    )  # fmt: skip
    empty = Reading.objects.create(
        count=0, exact=Decimal("0"), ok=False, unit="c",
        taken_at=dt.datetime(2026, 5, 6, tzinfo=dt.UTC), token=uuid.UUID(int=8),
    )  # fmt: skip
    return list(Reading.objects.filter(pk__in=[full.pk, empty.pk]).order_by("pk"))


async def _both(serializer_class: Any, rows: Any, **kwargs: Any) -> tuple[Any, Any]:
    from asgiref.sync import sync_to_async

    sync_data = await sync_to_async(lambda: serializer_class(rows, many=True, **kwargs).data)()
    async_data = await serializer_class(rows, many=True, **kwargs).adata
    return sync_data, async_data


class TestPlannedOutputIsDRFs:
    async def test_every_column_kind_with_values_and_nulls(self) -> None:
        from asgiref.sync import sync_to_async

        rows = await sync_to_async(_readings)()
        expected = await sync_to_async(lambda: DRFReading(rows, many=True).data)()
        sync_data, async_data = await _both(ReadingSerializer, rows)
        assert sync_data == async_data == expected
        assert row_plan(ReadingSerializer(), rows[0]) is not None
        assert expected[0]["exact"] == "2.125" and expected[1]["value"] is None

    async def test_a_single_object_uses_the_plan_too(self) -> None:
        from asgiref.sync import sync_to_async

        rows = await sync_to_async(_readings)()
        expected = await sync_to_async(lambda: DRFReading(rows[0]).data)()
        assert await ReadingSerializer(rows[0]).adata == expected

    @override_settings(REST_FRAMEWORK={"COERCE_DECIMAL_TO_STRING": False})
    async def test_a_settings_change_rebuilds_the_plan(self) -> None:
        from asgiref.sync import sync_to_async

        rows = await sync_to_async(_readings)()
        data = await ReadingSerializer(rows, many=True).adata
        assert data[0]["exact"] == Decimal("2.125")

    async def test_deferred_columns_are_loaded_in_a_thread_on_the_async_path(self) -> None:
        from asgiref.sync import sync_to_async

        await sync_to_async(_readings)()
        rows = [row async for row in Reading.objects.only("id", "count").order_by("pk")]
        data = await ReadingSerializer(rows, many=True).adata
        assert [row["unit"] for row in data] == ["k", "c"]


class TestDRFPathWhereAPlanWouldBeWrong:
    async def test_a_field_popped_in_init_stays_popped(self) -> None:
        from asgiref.sync import sync_to_async

        class Trimmed(ModelSerializer):
            class Meta:
                model = Book
                fields = ["id", "title", "price"]

            def __init__(self, *args: Any, trim: bool = False, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                if trim:
                    self.fields.pop("price")

        author = await Author.objects.acreate(name="x")
        book = await Book.objects.acreate(title="t", price=Decimal("1.00"), author=author)
        assert set(await Trimmed(book).adata) == {"id", "title", "price"}  # the plan is built
        assert set(await Trimmed(book, trim=True).adata) == {"id", "title"}
        assert set(await sync_to_async(lambda: Trimmed(book, trim=True).data)()) == {"id", "title"}
        assert set(await Trimmed(book).adata) == {"id", "title", "price"}

    async def test_get_fields_overrides_and_computed_fields_keep_drfs_loop(self) -> None:
        class Computed(ModelSerializer):
            shout = drf.SerializerMethodField()

            class Meta:
                model = Book
                fields = ["id", "title", "shout"]

            def get_shout(self, book: Book) -> str:
                return book.title.upper()

        class Dynamic(ModelSerializer):
            class Meta:
                model = Book
                fields = ["id", "title"]

            def get_fields(self) -> Any:
                fields = super().get_fields()
                fields["title"] = drf.CharField(source="author.name")
                return fields

        author = await Author.objects.acreate(name="ann")
        book = await Book.objects.acreate(title="t", price=Decimal("1.00"), author=author)
        book = await Book.objects.select_related("author").aget(pk=book.pk)
        assert row_plan(Computed(), book) is None and row_plan(Dynamic(), book) is None
        assert await Computed(book).adata == {"id": book.pk, "title": "t", "shout": "T"}
        assert await Dynamic(book).adata == {"id": book.pk, "title": "ann"}

    async def test_rows_that_are_not_model_instances(self) -> None:
        class Plain(ModelSerializer):
            class Meta:
                model = Book
                fields = ["title"]

        rows = ({"title": f"t{n}"} for n in range(3))  # a generator: read once
        assert await Plain(rows, many=True).adata == [
            {"title": "t0"},
            {"title": "t1"},
            {"title": "t2"},
        ]
        assert Plain([{"title": "x"}], many=True).data == [{"title": "x"}]
