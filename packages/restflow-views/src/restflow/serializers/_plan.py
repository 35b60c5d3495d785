"""Representation plans: rows of flat serializers without DRF's per-field calls.

A serializer whose readable fields are all plain DRF data fields, each reading
one concrete column of the row's model (numbers, strings, booleans, dates,
decimals, UUIDs, choices, primary-key relations), is represented from a plan
built once per (serializer class, model): one ``attrgetter`` reads every
column, and each value goes through its field's own ``to_representation``
(``int``/``float``/``str`` directly where that is all the field does). The
output is what DRF's loop produces, ``None`` staying ``None``.

Anything else keeps DRF's path: a method field, a nested serializer, a custom
field or ``get_attribute``, a dotted or ``*`` source, a row that is not a model
instance, a serializer class overriding ``get_fields``/``to_representation``,
or a serializer instance whose fields were touched before representation (an
``__init__`` that pops fields per request). Plans are dropped whenever a
setting changes, since DRF's fields read some settings when built.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.core.signals import setting_changed
from django.db import models
from rest_framework import fields as drf_fields
from rest_framework import relations

from restflow.serializers._fastpaths import generate_represent

__all__ = [
    "NO_PLAN",
    "RowPlan",
    "represent_closure",
    "represent_function",
    "represent_rows",
    "row_plan",
]

NO_PLAN: Any = object()  # what a fast path returns when DRF's path must run

_Convert = Callable[[Any], Any] | None
# (converter, the type it returns unchanged): (None, None) keeps the value as it is
_Column = tuple[_Convert, type | None]

# DRF's own ``to_representation`` functions that need neither context nor parent.
_DIRECT: dict[Any, _Column] = {
    drf_fields.IntegerField.to_representation: (int, int),
    drf_fields.FloatField.to_representation: (float, float),
    drf_fields.CharField.to_representation: (str, str),
    drf_fields.ReadOnlyField.to_representation: (None, None),
}
_BOUND = frozenset(
    {
        drf_fields.DecimalField.to_representation,
        drf_fields.DateTimeField.to_representation,
        drf_fields.DateField.to_representation,
        drf_fields.TimeField.to_representation,
        drf_fields.DurationField.to_representation,
        drf_fields.UUIDField.to_representation,
        drf_fields.ChoiceField.to_representation,
    }
)
_PLAIN_GET = drf_fields.Field.get_attribute
_PK_GET = relations.RelatedField.get_attribute
_PK_REPR = relations.PrimaryKeyRelatedField.to_representation


class RowPlan:
    """The compiled representation of one serializer class for one model.

    Calling it reads every column with one ``attrgetter`` call and builds the
    dict DRF's field loop returns: ``None`` kept as ``None``, a value already
    of the field's output type kept as is, anything else converted.
    """

    __slots__ = ("attrs", "columns", "fields", "names", "represent")

    def __init__(self, fields: Any, names: list[str], attrs: list[str], columns: list[_Column]):
        self.fields = fields  # the bound fields the plan was built from
        self.names = names
        self.attrs = attrs  # the attribute each name reads
        self.columns = columns  # (converter, output type) of each name
        self.represent = represent_function(names, attrs, columns)

    def __call__(self, instance: Any) -> dict[str, Any]:
        return self.represent(instance)


def represent_function(
    names: list[str], attrs: list[str], columns: list[_Column]
) -> Callable[[Any], dict[str, Any]]:
    """The function representing one row: the generated one when available, else the closure."""
    return generate_represent(names, attrs, columns) or represent_closure(names, attrs, columns)


def represent_closure(
    names: list[str], attrs: list[str], columns: list[_Column]
) -> Callable[[Any], dict[str, Any]]:
    """The row function as plain Python (the public path of ``_fastpaths.generate_represent``).

    A row whose typed columns all hold values of their output type (the
    common row) is checked and built by C-level calls; the columns whose
    converter always runs (dates, decimals…) are then converted, and any
    other row (a ``None``, a value of another type) takes the general loop.
    """
    get = attrgetter(*attrs)
    single = len(attrs) == 1
    keys = tuple(names)
    kinds = [kind if convert is not None and kind else object for convert, kind in columns]
    typed = [index for index, (convert, kind) in enumerate(columns) if convert is not None and kind]
    checked = [kinds[index] for index in typed]
    all_typed = len(typed) == len(columns)
    always = [
        (names[i], convert) for i, (convert, kind) in enumerate(columns) if convert and not kind
    ]
    general = tuple(zip(keys, columns, strict=True))

    def convert_each(values: Any) -> dict[str, Any]:
        row: dict[str, Any] = {}
        for (name, (convert, kind)), value in zip(general, values, strict=True):
            if convert is None or value is None or value.__class__ is kind:
                row[name] = value
            else:
                row[name] = convert(value)
        return row

    def represent(instance: Any) -> dict[str, Any]:
        values = (get(instance),) if single else get(instance)
        if all_typed:
            if list(map(type, values)) != kinds:
                return convert_each(values)
        elif [type(values[index]) for index in typed] != checked:
            return convert_each(values)
        row = dict(zip(keys, values, strict=False))  # the lengths match: a check costs time
        for name, convert in always:
            value = row[name]
            if value is not None:
                row[name] = convert(value)
        return row

    return represent


def _column(field: Any, model: type[models.Model]) -> tuple[str, _Column] | None:
    """``(attribute, (converter, output type))`` when ``field`` reads one concrete column of ``model``."""
    source_attrs = getattr(field, "source_attrs", None)
    if not source_attrs or len(source_attrs) != 1:
        return None
    source = source_attrs[0]
    try:
        model_field = model._meta.get_field(source)
    except FieldDoesNotExist:
        return None
    attname = getattr(model_field, "attname", None)
    if not getattr(model_field, "concrete", False) or model_field.many_to_many or not attname:
        return None
    kind = type(field)
    represent = kind.to_representation
    if kind.get_attribute is _PK_GET and represent is _PK_REPR:
        # PrimaryKeyRelatedField: the foreign key's raw value, as DRF's pk-only optimisation
        if field.pk_field is not None or not model_field.is_relation:
            return None
        return attname, (None, None)
    if kind.get_attribute is not _PLAIN_GET:
        return None
    if model_field.is_relation and source != attname:
        return None  # the related object itself, not a column
    if represent in _DIRECT:
        return source, _DIRECT[represent]
    if represent is drf_fields.BooleanField.to_representation:
        return source, (field.to_representation, bool)
    if represent in _BOUND:
        return source, (field.to_representation, None)
    return None


def _compile(serializer: Any, model: type) -> RowPlan | None:
    if not (isinstance(model, type) and issubclass(model, models.Model)):
        return None
    fields = serializer.fields
    names: list[str] = []
    attrs: list[str] = []
    columns: list[_Column] = []
    for name, field in fields.items():
        if field.write_only:
            continue
        column = _column(field, model)
        if column is None:
            return None
        names.append(name)
        attrs.append(column[0])
        columns.append(column[1])
    if not attrs:
        return None
    return RowPlan(fields, names, attrs, columns)


_PLANS: dict[tuple[type, type], RowPlan | None] = {}


def row_plan(serializer: Any, instance: Any) -> RowPlan | None:
    """The plan representing ``instance`` with ``serializer``, or ``None`` for DRF's path."""
    cls = type(serializer)
    if not getattr(cls, "_restflow_plannable", False):  # decided when the class was created
        return None
    key = (cls, type(instance))
    try:
        plan = _PLANS[key]
    except KeyError:
        if "fields" in serializer.__dict__:
            return None  # fields touched before representation: this instance may differ
        plan = _PLANS[key] = _compile(serializer, type(instance))
        return plan
    if plan is None:
        return None
    own = serializer.__dict__.get("fields")
    if own is not None and own is not plan.fields:
        return None
    return plan


def represent_rows(child: Any, rows: Any) -> Any:
    """Every row through its plan, or :data:`NO_PLAN` when one row has none."""
    if not rows:
        return []
    kind = type(rows[0])
    plan = row_plan(child, rows[0])
    if plan is None or not all(type(row) is kind for row in rows):
        return NO_PLAN
    represent = plan.represent
    return [represent(row) for row in rows]


def _forget(**_: Any) -> None:
    _PLANS.clear()


setting_changed.connect(_forget, dispatch_uid="restflow.serializers.plans")
