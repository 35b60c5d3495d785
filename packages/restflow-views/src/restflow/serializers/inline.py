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
    name: str | None = None,
    fields: Mapping[str, Any] | Sequence[Any] | None = None,
    model: type | None = None,
    model_fields: Sequence[str] | str | None = None,
    extra_kwargs: Mapping[str, Mapping[str, Any]] | None = None,
    read_only_fields: Sequence[str] = (),
    write_only_fields: Sequence[str] = (),
) -> type[Serializer]:
    """A new serializer class, from a dict of fields and an optional model.

    ``fields`` maps names to a type (``{"city": str}``), a DRF field instance, or
    ``(type, Field(...))``. With ``model=`` the class is a ``ModelSerializer``:
    ``model_fields`` names the model's fields to include (``"__all__"`` when
    neither it nor ``fields`` is given), and ``fields`` may also be a list mixing
    model field names with ``(name, spec)`` pairs; ``extra_kwargs``,
    ``read_only_fields`` and ``write_only_fields`` go to ``Meta``. ``name``
    defaults to ``"<Model>Serializer"`` (``"InlineSerializer"`` without a model).
    Raises ``TypeError`` naming the culprit for a bad name, spec or annotation.
    """
    if name is None:
        name = f"{model.__name__}Serializer" if model is not None else "InlineSerializer"
    if not isinstance(name, str) or not name.isidentifier():
        raise TypeError(f"InlineSerializer(name={name!r}): the name must be a Python identifier.")
    if fields is None and model is None:
        raise TypeError(f"InlineSerializer(name={name!r}): give fields or a model.")
    if model is None and model_fields is not None:
        raise TypeError(f"InlineSerializer(name={name!r}): model_fields needs a model.")
    names, specs = _names_and_specs(name, fields, model)
    annotations, attrs = _declarations(name, specs)
    base: type[Serializer] = Serializer
    if model is not None:
        base = ModelSerializer
        extra = _extra_kwargs(extra_kwargs, read_only_fields, write_only_fields)
        attrs["Meta"] = _meta(model, model_fields, names, extra)
    caller = sys._getframe(1).f_globals.get("__name__", __name__)
    attrs["__annotations__"] = annotations
    attrs["__module__"] = caller
    attrs["__qualname__"] = name
    metaclass: Any = type(base)
    cls: type[Serializer] = metaclass(name, (base,), attrs)
    declared = cls._declared_fields
    cls._declared_fields = {attr: declared[attr] for attr in specs if attr in declared}
    return cls


def _names_and_specs(
    name: str, fields: Mapping[str, Any] | Sequence[Any] | None, model: type | None
) -> tuple[list[str], dict[str, Any]]:
    """The field names in order (model fields included) and the declared ones' specs."""
    if fields is None:
        return [], {}
    if isinstance(fields, Mapping):
        return list(fields), dict(fields)
    if model is None or isinstance(fields, str) or not isinstance(fields, Sequence):
        raise TypeError(
            f"InlineSerializer(name={name!r}): fields must be a dict of name -> type or field"
            + (", or a list of model field names and (name, spec) pairs" if model else "")
            + f", not {type(fields).__name__}."
        )
    names: list[str] = []
    specs: dict[str, Any] = {}
    for item in fields:
        if isinstance(item, str):
            names.append(item)
        elif isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str):
            names.append(item[0])
            specs[item[0]] = item[1]
        else:
            raise TypeError(
                f"InlineSerializer(name={name!r}): field {item!r} is neither a model field "
                "name nor a (name, spec) pair."
            )
    return names, specs


def _declarations(name: str, specs: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Annotations and field attributes for the declared (non-model) fields."""
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
    return annotations, attrs


def _extra_kwargs(
    extra_kwargs: Mapping[str, Mapping[str, Any]] | None,
    read_only_fields: Sequence[str],
    write_only_fields: Sequence[str],
) -> dict[str, dict[str, Any]]:
    extra = {field: dict(options) for field, options in (extra_kwargs or {}).items()}
    for field in read_only_fields:
        extra.setdefault(field, {})["read_only"] = True
    for field in write_only_fields:
        extra.setdefault(field, {})["write_only"] = True
    return extra


def _meta(
    model: type,
    model_fields: Sequence[str] | str | None,
    names: list[str],
    extra: dict[str, dict[str, Any]],
) -> type:
    if isinstance(model_fields, str):  # "__all__"
        included: Any = model_fields
    elif model_fields is not None:
        included = [*model_fields, *(n for n in names if n not in model_fields)]
    else:
        included = names or "__all__"
    attrs: dict[str, Any] = {"model": model, "fields": included}
    if extra:
        attrs["extra_kwargs"] = extra
    return type("Meta", (), attrs)
