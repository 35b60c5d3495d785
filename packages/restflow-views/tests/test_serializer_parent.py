"""A ``many=True`` serializer is freed by reference counting: its child holds it weakly."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from typing import Any

import pytest

from restflow.serializers import ModelSerializer, Serializer
from restflow.serializers.listing import ListSerializer
from sertests.models import Author


def row(number: int) -> Author:
    return Author(id=number, name=f"row {number}")


class RowSerializer(ModelSerializer):
    class Meta:
        model = Author
        fields = ["id", "name"]


class Holder(Serializer):
    row: Any = RowSerializer()


@pytest.fixture
def no_collector() -> Iterator[None]:
    """Only reference counting frees objects while the test runs."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


async def _represent(serializer: Any, surface: str) -> Any:
    return serializer.data if surface == "sync" else await serializer.adata


@pytest.mark.parametrize("surface", ["sync", "async"])
async def test_a_serialized_page_is_freed_without_the_cycle_collector(no_collector, surface):
    # the first use of a class builds its row plan from bound fields (which point
    # at their serializer, as in DRF); every later page goes through the plan
    await _represent(RowSerializer([row(0)], many=True), surface)
    rows = [row(n) for n in range(3)]
    first = weakref.ref(rows[0])
    serializer = RowSerializer(rows, many=True, context={"page": rows})
    list_ref = weakref.ref(serializer)
    data = await _represent(serializer, surface)
    assert [item["id"] for item in data] == [0, 1, 2]
    del rows, serializer, data
    assert list_ref() is None
    assert first() is None


@pytest.mark.parametrize("surface", ["sync", "async"])
async def test_the_child_sees_its_list_serializer_while_it_lives(surface):
    serializer = RowSerializer([row(1)], many=True, context={"tenant": "a"})
    await _represent(serializer, surface)
    child = serializer.child
    assert isinstance(serializer, ListSerializer)
    assert child.parent is serializer
    assert child.root is serializer
    assert child.context == {"tenant": "a"}


def test_a_child_kept_alone_is_its_own_root(no_collector):
    child = RowSerializer(many=True, context={"tenant": "a"}).child
    assert child.parent is None
    assert child.root is child
    assert child.context == {"tenant": "a"}


def test_a_field_keeps_a_plain_reference_to_its_serializer(no_collector):
    field = Holder().fields["row"]
    # the Holder is gone from our hands; the field still reaches it
    assert isinstance(field.parent, Holder)
    assert field.root is field.parent


def test_unbound_and_reassigned_parents():
    serializer = RowSerializer()
    assert serializer.parent is None
    other = Holder()
    serializer.bind("row", other)
    assert serializer.parent is other
    del serializer.parent
    assert serializer.parent is None
