"""Annotation-declared serializer fields: ``name: str`` becomes ``CharField()``.

The metaclass resolves a class's own annotations once, at class creation,
with ``typing.get_type_hints`` (so ``from __future__ import annotations``
works) through :mod:`restflow.typemap`, and builds DRF fields from
them. Field order: inherited fields, then this class's annotated fields,
then its explicitly declared DRF fields. A name re-annotated by a subclass
keeps the position its base gave it.
"""

from __future__ import annotations

import functools
import inspect
import sys
import types
from typing import Any

from rest_framework.fields import Field as DRFField
from rest_framework.serializers import SerializerMetaclass

from restflow.typemap import get_field_from_type, resolve_annotations

__all__ = ["Field", "FieldSpec", "TypedSerializerMetaclass"]

_METHOD_TYPES = (
    types.FunctionType,
    property,
    functools.cached_property,
    staticmethod,
    classmethod,
)


class FieldSpec:
    """The options :func:`Field` records for an annotated field."""

    __slots__ = ("kwargs",)

    def __init__(self, kwargs: dict[str, Any]) -> None:
        self.kwargs = kwargs

    def __repr__(self) -> str:
        options = ", ".join(f"{key}={value!r}" for key, value in self.kwargs.items())
        return f"Field({options})"


def Field(**kwargs: Any) -> Any:
    """Options for an annotated field: ``extra: str = Field(write_only=True)``.

    ``kwargs`` go to the DRF field the annotation maps to and win over what
    the annotation implies (``required``, ``allow_null``, …).
    """
    return FieldSpec(kwargs)


def _is_config_attribute(bases: tuple[type, ...], name: str) -> bool:
    """Whether ``name`` is a non-field class attribute of a base (``url_field_name``…)."""
    for base in bases:
        try:
            value = inspect.getattr_static(base, name)
        except AttributeError:
            continue
        return not isinstance(value, _METHOD_TYPES)
    return False


# The values of annotated names stay out of the class body while DRF's metaclass
# collects the inherited fields (a base field shadowed by a body value would be dropped,
# but a re-annotated field keeps its base's position); they are back before the class
# is made.
_HELD = "__restflow_annotated_values__"


class _AnnotatedValuesBack(type):
    """Puts the held annotated values back into the class body, under DRF's metaclass."""

    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any], **kw: Any) -> Any:
        attrs.update(attrs.pop(_HELD, {}))
        return super().__new__(mcs, name, bases, attrs, **kw)


class TypedSerializerMetaclass(SerializerMetaclass, _AnnotatedValuesBack):
    """DRF's serializer metaclass, plus fields built from annotations at class creation."""

    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any]) -> Any:
        raw_annotations = dict(attrs.get("__annotations__", {}))
        candidates = [
            attr
            for attr in raw_annotations
            if not attr.startswith("_")
            and attr != "Meta"
            and not isinstance(attrs.get(attr), DRFField)
            and not _is_config_attribute(bases, attr)
        ]
        stray = [
            attr
            for attr, value in attrs.items()
            if isinstance(value, FieldSpec) and attr not in candidates
        ]
        if stray:
            raise TypeError(
                f"{name}.{stray[0]}: Field(...) needs a type annotation, e.g. "
                f"'{stray[0]}: str = Field(...)'."
            )
        explicit = {attr for attr, value in attrs.items() if isinstance(value, DRFField)}
        values = {attr: attrs.pop(attr) for attr in candidates if attr in attrs}
        if values:
            attrs[_HELD] = values
        cls = super().__new__(mcs, name, bases, attrs)
        if not candidates:
            cls._annotated_fields = _inherited_annotated(bases)
            cls._finish_declaration()
            return cls

        hints = resolve_annotations(cls, localns=_caller_namespace())
        typed = [attr for attr in candidates if attr in hints]  # ClassVar/Final are constants
        built: dict[str, DRFField] = {}
        for attr in typed:
            value = values.get(attr, _MISSING)
            if attr in values:
                delattr(cls, attr)  # a default or Field(...) marker, not a class attribute
            if isinstance(value, FieldSpec):
                kwargs = dict(value.kwargs)
            elif value is _MISSING:
                kwargs = {}
            else:
                kwargs = {"default": value}
            kwargs = cls._typed_field_kwargs(attr, kwargs)
            built[attr] = get_field_from_type(hints[attr], name=attr, owner=cls, **kwargs)

        # DRF's metaclass collected the bases' fields (the first base naming one wins) and
        # the explicit ones; keep the inherited ones the class body does not shadow (a
        # constant, ``name = None``, an explicit field: those come last)
        shadowed = (set(attrs) - set(typed)) | explicit
        collected = cls._declared_fields
        declared = {attr: field for attr, field in collected.items() if attr not in shadowed}
        declared.update(built)  # a re-annotated base field keeps its position
        declared.update((attr, field) for attr, field in collected.items() if attr in explicit)
        cls._declared_fields = declared
        inherited = _inherited_annotated(bases)
        cls._annotated_fields = inherited + tuple(a for a in typed if a not in inherited)
        cls._finish_declaration()
        return cls

    def _typed_field_kwargs(cls, name: str, kwargs: dict[str, Any]) -> dict[str, Any]:
        """Adjust the keyword arguments of the field built for annotation ``name``."""
        return kwargs

    def _finish_declaration(cls) -> None:
        """Last step of class creation (``ModelSerializer`` merges annotations into ``Meta``)."""


_MISSING = object()


def _caller_namespace() -> dict[str, Any] | None:
    """The local names where the ``class`` statement runs (a class defined in a function).

    String annotations naming a class local to that function then resolve.
    """
    frame = sys._getframe(2)  # 0: here, 1: the metaclass, 2: the class statement's scope
    while frame is not None and frame.f_code.co_filename == __file__:
        frame = frame.f_back  # type: ignore[assignment]
    if frame is None or frame.f_locals is frame.f_globals:
        return None
    return dict(frame.f_locals)


def _inherited_annotated(bases: tuple[type, ...]) -> tuple[str, ...]:
    names: list[str] = []
    for base in bases:
        for attr in getattr(base, "_annotated_fields", ()):
            if attr not in names:
                names.append(attr)
    return tuple(names)
