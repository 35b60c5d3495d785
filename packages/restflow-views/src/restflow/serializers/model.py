"""``ModelSerializer`` and ``HyperlinkedModelSerializer`` with annotations and async saving."""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from rest_framework import serializers

from restflow.serializers._fieldcache import FieldPrototypes
from restflow.serializers.declare import TypedSerializerMetaclass
from restflow.serializers.serializer import Serializer

__all__ = ["HyperlinkedModelSerializer", "ModelSerializer"]


class _ModelSerializerMetaclass(TypedSerializerMetaclass):
    """Merges annotated field names into ``Meta.fields`` once, at class creation."""

    def _finish_declaration(cls) -> None:
        meta = getattr(cls, "Meta", None)
        annotated = getattr(cls, "_annotated_fields", ())
        if meta is None or not annotated:
            return
        fields = getattr(meta, "fields", None)
        if fields is None or fields == serializers.ALL_FIELDS:
            return  # DRF adds declared fields to "__all__" and to "exclude" itself
        if not isinstance(fields, (list, tuple)):
            raise TypeError(
                f"{cls.__qualname__}.Meta.fields must be a list, a tuple or '__all__', "
                f"not {type(fields).__name__}."
            )
        missing = [name for name in annotated if name not in fields]
        if missing:
            # a new Meta, so a base serializer sharing the original is left untouched
            merged = type(fields)([*fields, *missing])
            cls.Meta = type("Meta", (meta,), {"fields": merged, "__module__": cls.__module__})


class ModelSerializer(
    FieldPrototypes, Serializer, serializers.ModelSerializer, metaclass=_ModelSerializerMetaclass
):
    """DRF's ``ModelSerializer``; annotated names join ``Meta.fields`` automatically.

    The fields DRF builds from the model for each instance are built once per
    class and copied for each instance (``_fieldcache.py``), unless the class
    overrides one of DRF's field builders.

    ``acreate``/``aupdate`` save the row and its many-to-many relations in a
    single thread hop (Django's async ORM would take one hop per query). A
    user's own ``create``/``update`` (sync or ``async def``) or
    ``acreate``/``aupdate`` is what ``asave`` calls when defined.
    """

    async def acreate(self, validated_data: Any) -> Any:
        """Create the instance, then set its many-to-many relations: one thread hop in all."""
        create = serializers.ModelSerializer.create
        return await sync_to_async(create, thread_sensitive=True)(self, validated_data)

    async def aupdate(self, instance: Any, validated_data: Any) -> Any:
        """Set the attributes, save, then set the many-to-many relations: one thread hop in all."""
        update = serializers.ModelSerializer.update
        return await sync_to_async(update, thread_sensitive=True)(self, instance, validated_data)


class HyperlinkedModelSerializer(ModelSerializer, serializers.HyperlinkedModelSerializer):
    """DRF's ``HyperlinkedModelSerializer`` (relations as URLs) with restflow's additions."""
