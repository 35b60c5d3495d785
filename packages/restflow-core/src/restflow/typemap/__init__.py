"""restflow.typemap: the type → field map shared by restflow's filters and serializers.

:func:`get_field_from_type` turns an annotation into a DRF field instance:

==============================  ==============================================
annotation                      field
==============================  ==============================================
``str``                         ``CharField``
``int``                         ``IntegerField``
``float``                       ``FloatField``
``bool``                        ``BooleanField`` (never ``IntegerField``)
``Decimal``                     ``DecimalField(max_digits=None, decimal_places=None)``
``date`` / ``datetime``         ``DateField`` / ``DateTimeField``
``time`` / ``timedelta``        ``TimeField`` / ``DurationField``
``UUID``                        ``UUIDField``
``Email`` / ``IPAddress``       ``EmailField`` / ``IPAddressField``
``dict`` / ``dict[str, T]``     ``DictField`` (``child`` = field for ``T``)
``Any``                         ``JSONField`` (any JSON value)
``list[T]`` / ``List[T]``       ``ListField(child=<field for T>)``
``Literal["a", "b"]``           ``ChoiceField(choices=["a", "b"])``
an ``Enum`` subclass            ``ChoiceField`` of the members' values
``Optional[T]`` / ``T | None``  field for ``T`` with ``allow_null=True``
``Annotated[T, ...]``           field for ``T``
``NotRequired[T]``              field for ``T`` with ``required=False``
a serializer class ``S``        ``S()``; ``list[S]`` gives ``S(many=True)``
==============================  ==============================================

``Optional[T]`` only allows ``null``: like DRF's own ``allow_null``, it does
not make the field optional. A nullable field that may also be left out
says so with ``required=False``, a default, or ``NotRequired[...]``.

Classes are looked up along their MRO, so ``class Price(Decimal)`` maps to
``DecimalField``; a ``NewType`` that is not registered maps like its
supertype. :func:`register_type` adds or replaces rows.
"""

from __future__ import annotations

import enum
import inspect
import sys
import types
import typing
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import (
    Annotated,
    Any,
    ClassVar,
    Final,
    Literal,
    NewType,
    NotRequired,
    Required,
    TypeAlias,
    Union,
)
from uuid import UUID

from rest_framework import fields
from rest_framework.serializers import BaseSerializer

__all__ = [
    "Email",
    "IPAddress",
    "get_field_from_type",
    "register_type",
    "resolve_annotations",
]

_Field: TypeAlias = "fields.Field[Any, Any, Any, Any]"
_FieldClass: TypeAlias = "type[fields.Field[Any, Any, Any, Any]]"

Email = NewType("Email", str)
"""A ``str`` that must be an e-mail address (``EmailField``)."""

IPAddress = NewType("IPAddress", str)
"""A ``str`` that must be an IPv4 or IPv6 address (``IPAddressField``)."""

# python type (a class or a NewType) -> (field class, default keyword arguments)
_TYPE_MAP: dict[Any, tuple[_FieldClass, dict[str, Any]]] = {
    str: (fields.CharField, {}),
    int: (fields.IntegerField, {}),
    float: (fields.FloatField, {}),
    bool: (fields.BooleanField, {}),
    Decimal: (fields.DecimalField, {"max_digits": None, "decimal_places": None}),
    date: (fields.DateField, {}),
    datetime: (fields.DateTimeField, {}),
    time: (fields.TimeField, {}),
    timedelta: (fields.DurationField, {}),
    UUID: (fields.UUIDField, {}),
    Email: (fields.EmailField, {}),
    IPAddress: (fields.IPAddressField, {}),
    dict: (fields.DictField, {}),
}

_UNION_TYPES: tuple[Any, ...] = (Union, types.UnionType)
_TYPE_ALIAS = getattr(typing, "TypeAliasType", None)  # Python 3.12+: ``type X = ...``


def register_type(
    python_type: Any, field_class: type[fields.Field[Any, Any, Any, Any]], **defaults: Any
) -> None:
    """Map ``python_type`` (a class or a ``NewType``) to ``field_class``.

    ``defaults`` are keyword arguments given to every field built for that
    type; keyword arguments passed to :func:`get_field_from_type` win over
    them. Registering a type again replaces its row. Subclasses of
    ``python_type`` map to ``field_class`` too, unless registered themselves.

    Raises ``TypeError`` if ``field_class`` is not a DRF field class or
    ``python_type`` is neither a class nor a ``NewType``.
    """
    if not (isinstance(field_class, type) and issubclass(field_class, fields.Field)):
        raise TypeError(
            f"register_type({_describe(python_type)}, {field_class!r}): the field class must "
            "be a subclass of rest_framework.fields.Field."
        )
    if not isinstance(python_type, (type, NewType)):
        raise TypeError(
            f"register_type({python_type!r}, {field_class.__name__}): only classes and "
            "NewTypes can be registered; build generic forms (list[T], Literal[...]) from them."
        )
    if python_type is object:
        raise TypeError(
            "register_type(object, ...) would map every class; register a narrower type."
        )
    _TYPE_MAP[python_type] = (field_class, dict(defaults))


class _Unsupported(Exception):
    """Raised inside the resolver for the piece of an annotation that has no field."""

    def __init__(self, piece: Any, reason: str = "") -> None:
        super().__init__(piece)
        self.piece = piece
        self.reason = reason


def get_field_from_type(
    annotation: Any, *, name: str | None = None, owner: type | None = None, **field_kwargs: Any
) -> fields.Field[Any, Any, Any, Any]:
    """Build a fresh DRF field instance for ``annotation``.

    ``field_kwargs`` are passed to the field and win over what the
    annotation implies (``allow_null``, ``required``, ``choices``, …).
    ``name`` and ``owner`` (the attribute and the class declaring it) only
    serve the error message.

    Raises ``TypeError`` naming ``owner.name`` and the annotation when no
    field matches (``set[str]``, ``int | str``, an unresolved string, …).
    """
    try:
        return _build(annotation, field_kwargs)
    except _Unsupported as exc:
        raise TypeError(_unsupported_message(annotation, exc, name, owner)) from None


def _build(annotation: Any, overrides: dict[str, Any]) -> _Field:
    implied: dict[str, Any] = {}
    annotation = _unwrap(annotation, implied)

    if annotation is Any:
        return fields.JSONField(**{**implied, **overrides})

    origin = typing.get_origin(annotation)
    if origin is Literal:
        choices = [value for value in typing.get_args(annotation) if value is not None]
        if len(choices) < len(typing.get_args(annotation)):
            implied["allow_null"] = True
        return fields.ChoiceField(**{"choices": choices, **implied, **overrides})
    if origin is list or annotation is list:
        return _build_list(annotation, implied, overrides)
    if origin is dict and typing.get_args(annotation):
        key_type, value_type = typing.get_args(annotation)
        if key_type is not str:
            raise _Unsupported(annotation, "dict keys must be str")
        return fields.DictField(**{"child": _build(value_type, {}), **implied, **overrides})

    if isinstance(annotation, type) and issubclass(annotation, BaseSerializer):
        return annotation(**{**implied, **overrides})
    if (
        isinstance(annotation, type)
        and issubclass(annotation, enum.Enum)
        and annotation not in _TYPE_MAP
    ):
        choices = [member.value for member in annotation]
        return fields.ChoiceField(**{"choices": choices, **implied, **overrides})

    row = _lookup(annotation)
    if row is None:
        raise _Unsupported(annotation)
    field_class, defaults = row
    return field_class(**{**defaults, **implied, **overrides})


def _unwrap(annotation: Any, implied: dict[str, Any]) -> Any:
    """Strip ``Annotated``, ``NotRequired``, ``Optional`` and aliases, noting what they imply."""
    while True:
        if _TYPE_ALIAS is not None and isinstance(annotation, _TYPE_ALIAS):
            annotation = annotation.__value__
            continue
        if isinstance(annotation, NewType) and annotation not in _TYPE_MAP:
            annotation = annotation.__supertype__
            continue
        origin = typing.get_origin(annotation)
        if origin is Annotated or origin is Required:
            annotation = typing.get_args(annotation)[0]
        elif origin is NotRequired:
            implied["required"] = False
            annotation = typing.get_args(annotation)[0]
        elif origin in _UNION_TYPES:
            members = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
            if len(members) != 1:
                raise _Unsupported(annotation, "unions other than Optional[T] have no single field")
            implied["allow_null"] = True
            annotation = members[0]
        else:
            return annotation


def _build_list(annotation: Any, implied: dict[str, Any], overrides: dict[str, Any]) -> _Field:
    args = typing.get_args(annotation)
    if not args:
        return fields.ListField(**{**implied, **overrides})
    item = args[0]
    item_implied: dict[str, Any] = {}
    bare_item = _unwrap(item, item_implied)
    if isinstance(bare_item, type) and issubclass(bare_item, BaseSerializer) and not item_implied:
        # DRF's own spelling for a list of nested objects: ``S(many=True)``.
        return bare_item(**{"many": True, **implied, **overrides})
    return fields.ListField(**{"child": _build(item, {}), **implied, **overrides})


def _lookup(annotation: Any) -> tuple[_FieldClass, dict[str, Any]] | None:
    """Find the row for a registered ``NewType``, or for a class along its MRO."""
    if isinstance(annotation, NewType):
        return _TYPE_MAP.get(annotation)
    if annotation is dict or typing.get_origin(annotation) is dict:
        return _TYPE_MAP[dict]
    if not isinstance(annotation, type) or typing.get_origin(annotation) is not None:
        return None
    for klass in annotation.__mro__:
        if klass is object:
            break
        row = _TYPE_MAP.get(klass)
        if row is not None:
            return row
    return None


def _describe(annotation: Any) -> str:
    if isinstance(annotation, type) and not typing.get_args(annotation):
        return annotation.__qualname__
    if isinstance(annotation, NewType):
        return annotation.__name__
    return repr(annotation).replace("typing.", "")


def _supported() -> str:
    names = [_describe(python_type) for python_type in _TYPE_MAP]
    forms = [
        "Any",
        "list[T]",
        "dict[str, T]",
        "Literal[...]",
        "Optional[T]",
        "Annotated[T, ...]",
        "NotRequired[T]",
        "Enum subclasses",
        "serializer classes",
    ]
    return ", ".join(names + forms)


def _unsupported_message(
    annotation: Any, exc: _Unsupported, name: str | None, owner: type | None
) -> str:
    where = ".".join(part for part in (owner.__qualname__ if owner else None, name) if part)
    prefix = f"{where}: " if where else ""
    if isinstance(exc.piece, (str, typing.ForwardRef)):
        return (
            f"{prefix}unresolved annotation {_describe(exc.piece)}; resolve string annotations "
            "first (restflow.typemap.resolve_annotations)."
        )
    detail = "" if exc.piece is annotation else f" ({_describe(exc.piece)} is not supported)"
    if exc.reason:
        detail += f" ({exc.reason})"
    return (
        f"{prefix}unsupported annotation {_describe(annotation)}{detail}; supported: "
        f"{_supported()}. Declare the field explicitly or add a row with register_type()."
    )


def resolve_annotations(
    cls: type,
    *,
    stop_at: type | tuple[type, ...] = (),
    localns: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Return the evaluated annotations of ``cls`` and its bases, base-first.

    String annotations (``from __future__ import annotations``) are resolved
    with ``typing.get_type_hints(include_extras=True)``, so ``Annotated``
    and ``NotRequired`` survive. A name re-annotated by a subclass keeps
    the position where a base first declared it and takes the subclass's
    type. ``ClassVar`` and ``Final`` attributes are skipped. Annotations
    declared on ``stop_at`` or its ancestors (e.g. the library's own
    ``Serializer`` base) are left out. ``localns`` helps resolve names that
    only exist in a function's scope.

    Raises ``TypeError`` naming the class and attribute of an annotation
    that cannot be resolved.
    """
    stops = stop_at if isinstance(stop_at, tuple) else (stop_at,)
    try:
        hints = typing.get_type_hints(
            cls, localns=dict(localns) if localns else None, include_extras=True
        )
    except Exception as exc:
        raise TypeError(_unresolved_message(cls, exc, localns)) from exc

    declared: set[str] = set()
    for klass in cls.__mro__:
        if any(issubclass(stop, klass) for stop in stops):
            continue
        declared.update(inspect.get_annotations(klass))

    return {
        attr: hint for attr, hint in hints.items() if attr in declared and not _is_constant(hint)
    }


def _is_constant(hint: Any) -> bool:
    """Whether ``hint`` declares a class-level constant (``ClassVar``/``Final``), not a field."""
    while typing.get_origin(hint) is Annotated:
        hint = typing.get_args(hint)[0]
    return hint in (ClassVar, Final) or typing.get_origin(hint) in (ClassVar, Final)


def _unresolved_message(cls: type, exc: Exception, localns: Mapping[str, Any] | None) -> str:
    """Find the attribute whose annotation failed, to name it in the error."""
    for klass in reversed(cls.__mro__):
        module = sys.modules.get(klass.__module__)
        globalns = dict(vars(module)) if module else {}
        namespace = {**dict(vars(klass)), **(localns or {})}
        for attr, raw in inspect.get_annotations(klass).items():
            if not isinstance(raw, str):
                continue
            try:
                eval(raw, globalns, namespace)  # how typing itself evaluates annotations
            except Exception as inner:
                return (
                    f"{klass.__qualname__}.{attr}: cannot resolve annotation {raw!r} "
                    f"({type(inner).__name__}: {inner}). Import the name at module level "
                    "(a class defined inside a function cannot be found)."
                )
    return f"{cls.__qualname__}: cannot resolve annotations ({type(exc).__name__}: {exc})."
