"""restflow.core's hook rules pick the serializers' async twins (how views call them)."""

from __future__ import annotations

from typing import Any

import pytest

from restflow.core import HookMode, acall_hook, hook_mode
from restflow.serializers import (
    HyperlinkedModelSerializer,
    ListSerializer,
    ModelSerializer,
    Serializer,
)
from sertests.models import Author


class Named(Serializer):
    name: str


class AuthorSerializer(ModelSerializer):
    class Meta:
        model = Author
        fields = ["name"]


class AuthorLinks(HyperlinkedModelSerializer):
    class Meta:
        model = Author
        fields = ["name"]


SERIALIZERS = [Named, AuthorSerializer, AuthorLinks]
HOOKS = ["is_valid", "run_validation", "to_internal_value", "save", "to_representation"]


@pytest.mark.parametrize("serializer_class", [*SERIALIZERS, ListSerializer])
@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_resolves_to_the_native_async_twin(serializer_class: type, hook: str) -> None:
    assert hook_mode(serializer_class, hook) is HookMode.NATIVE


@pytest.mark.parametrize("serializer_class", SERIALIZERS)
def test_create_and_update_resolve_to_the_native_twin_until_overridden(
    serializer_class: type,
) -> None:
    assert hook_mode(serializer_class, "create") is HookMode.NATIVE
    assert hook_mode(serializer_class, "update") is HookMode.NATIVE

    class SyncOverride(serializer_class):  # type: ignore[valid-type,misc]
        def create(self, validated_data: Any) -> Any:
            return validated_data

    assert hook_mode(SyncOverride, "create") is HookMode.THREAD


async def test_acall_hook_validates_and_represents_without_a_thread() -> None:
    from sertests.hops import count_hops

    serializer = Named(data={"name": "ann"})
    with count_hops() as hops:
        assert await acall_hook(serializer, "is_valid", raise_exception=True)
        data = await acall_hook(serializer, "to_representation", serializer.validated_data)
    assert data == {"name": "ann"}
    assert hops.count == 0
