"""``InlineSerializer``: build a serializer class from a dict of fields."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import Any

from rest_framework.fields import Field as DRFField

from restflow.serializers.declare import FieldSpec
from restflow.serializers.model import ModelSerializer
from restflow.serializers.serializer import Serializer

__all__ = ["InlineSerializer"]


def InlineSerializer(
    *,
    name: str,
    fields: Mapping[str, Any] | Sequence[str],
    model: type | None = None,
) -> type[Serializer]:
    """A new serializer class called ``name``.

    ``fields`` maps names to a type (``{"city": str}``), a DRF field
    instance, or ``(type, Field(...))``. With ``model=`` the class is a
    ``ModelSerializer`` whose ``Meta.fields`` are these names, and
    ``fields`` may also be a list of model field names. Raises
    ``TypeError`` for a bad name, spec or annotation.
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise TypeError(f"InlineSerializer(name={name!r}): the name must be a Python identifier.")
    if isinstance(fields, Mapping):
        specs = dict(fields)
    elif model is not None and isinstance(fields, (list, tuple)):
        specs = {}
        names = list(fields)
    else:
        raise TypeError(
            f"InlineSerializer(name={name!r}): fields must be a dict of name -> type or field"
            + (", or a list of model field names" if model is not None else "")
            + f", not {type(fields).__name__}."
        )
    annotations: dict[str, Any] = {}
    attrs: dict[str, Any] = {}
    for attr, spec in specs.items():
        if isinstance(spec, DRFField):
            attrs[attr] = spec
        elif isinstance(spec, tuple):
            if len(spec) != 2 or not isinstance(spec[1], FieldSpec):
                raise TypeError(
                    f"InlineSerializer(name={name!r}): field {attr!r} is {spec!r}; a tuple "
                    "must be (type, Field(...))."
                )
            annotations[attr], attrs[attr] = spec
        elif isinstance(spec, FieldSpec):
            raise TypeError(
                f"InlineSerializer(name={name!r}): field {attr!r} needs a type: "
                f"use ({attr!r}: (str, Field(...)))."
            )
        else:
            annotations[attr] = spec
    if isinstance(fields, Mapping):
        names = list(specs)
    base: type[Serializer] = Serializer
    if model is not None:
        base = ModelSerializer
        attrs["Meta"] = type("Meta", (), {"model": model, "fields": names})
    caller = sys._getframe(1).f_globals.get("__name__", __name__)
    attrs["__annotations__"] = annotations
    attrs["__module__"] = caller
    attrs["__qualname__"] = name
    metaclass: Any = type(base)
    cls: type[Serializer] = metaclass(name, (base,), attrs)
    declared = cls._declared_fields
    cls._declared_fields = {attr: declared[attr] for attr in specs if attr in declared}
    return cls
