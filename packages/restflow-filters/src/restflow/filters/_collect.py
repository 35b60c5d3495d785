"""Collect a FilterSet class's fields: explicit > annotation > model.

Runs once per class, before its parameters are compiled. Every declaration
style ends as a filter field here; a list field's child (a DRF field or a
type) is resolved to a filter field here too, once. Declaration mistakes
raise naming the class and attribute: ``TypeError`` for a bad declaration,
``ImproperlyConfigured`` for a name the model does not have.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured

import restflow.filters.fields as ff
from restflow.filters._types import field_for_annotation, field_for_model_field, with_resolved_child
from restflow.filters.lookups import ALL
from restflow.filters.options import FilterSetOptions, RelatedField
from restflow.filters.ordering import OrderField
from restflow.typemap import resolve_annotations

__all__ = ["collect_fields"]


def collect_fields(
    cls: type, base: type, options: FilterSetOptions
) -> tuple[dict[str, ff.Field], OrderField | None, str | None]:
    """``cls``'s filter fields by attribute, its ordering field and the ordering parameter."""
    where = cls.__qualname__
    fields: dict[str, ff.Field] = {}
    if options.model is not None:
        fields.update(_model_fields(cls, options))
    for attr, annotation in resolve_annotations(cls, stop_at=base).items():
        fields[attr] = field_for_annotation(annotation, owner=cls, name=attr)
    for attr, extra in dict(options.extra_kwargs).items():
        if attr not in fields:
            raise TypeError(
                f"{where}.Meta.extra_kwargs names {attr!r}, which is not a model-derived or "
                "annotated field of this FilterSet."
            )
        fields[attr] = _with_options(cls, attr, fields[attr], extra)

    ordering: OrderField | None = None
    order_param: str | None = None
    if options.order_fields:
        ordering = OrderField(
            options.order_fields,
            labels=options.order_field_labels,
            default=options.default_order_fields,
            override_order_direction=options.override_order_direction,
        )
        order_param = options.order_param
    for attr, value in _declared(cls, base):
        if value is None:
            fields.pop(attr, None)
        elif isinstance(value, OrderField):
            ordering, order_param = value, attr
        elif isinstance(value, RelatedField):
            fields.pop(attr, None)
            fields.update(_related_fields(cls, attr, value, options.model))
        else:
            fields[attr] = value
    for attr in options.exclude:
        if fields.pop(attr, None) is None and not _is_model_field(options.model, attr):
            raise TypeError(f"{where}.Meta.exclude names {attr!r}, which is not a field.")
    resolved = {attr: with_resolved_child(field) for attr, field in fields.items()}
    return resolved, ordering, order_param


def _declared(cls: type, base: type) -> Iterator[tuple[str, Any]]:
    """Explicit declarations along the MRO, base classes first."""
    seen: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        if not issubclass(klass, base) or klass is base:
            continue
        for attr, value in vars(klass).items():
            if isinstance(value, ff.Field | OrderField | RelatedField):
                seen[attr] = value
            elif value is None and not attr.startswith("_"):
                seen[attr] = None
    yield from seen.items()


def _with_options(cls: type, attr: str, field: ff.Field, options: Mapping[str, Any]) -> ff.Field:
    try:
        return field.with_options(**options)
    except TypeError as exc:  # pragma: no cover - with_options takes any keyword
        raise TypeError(f"{cls.__qualname__}.{attr}: {exc}") from None


def _model_fields(cls: type, options: FilterSetOptions) -> dict[str, ff.Field]:
    model = options.model
    assert model is not None
    where = f"{cls.__qualname__}.Meta"
    fields_option = options.fields
    names = _filterable(model, relations=True) if fields_option == ALL else list(fields_option)
    fields: dict[str, ff.Field] = {}
    for name in names:
        model_field = _model_field(model, name, f"{where}.fields")
        field = field_for_model_field(model_field)
        if field is None:
            raise TypeError(
                f"{where}.fields: {model.__name__}.{name} is a "
                f"{type(model_field).__name__}, which restflow cannot filter on; "
                "declare a filter field for it explicitly."
            )
        fields[name] = field
    related = options.related_fields
    items = related.items() if isinstance(related, Mapping) else ((n, ALL) for n in related)
    for name, selection in items:
        fields.update(_related_fields(cls, name, RelatedField(fields=selection), model))
    return fields


def _filterable(model: type[Any], *, relations: bool) -> list[str]:
    """Names of ``model``'s concrete fields a filter field exists for (``"__all__"``)."""
    return [
        f.name
        for f in model._meta.get_fields()
        if f.concrete
        and not f.many_to_many
        and (relations or not f.is_relation)
        and field_for_model_field(f) is not None
    ]


def _is_model_field(model: type[Any] | None, name: str) -> bool:
    try:
        return model is not None and bool(model._meta.get_field(name))
    except FieldDoesNotExist:
        return False


def _model_field(model: type[Any], name: str, where: str) -> Any:
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        raise ImproperlyConfigured(f"{where}: {model.__name__} has no field {name!r}.") from None


def _related_fields(
    cls: type, attr: str, related: RelatedField, model: type[Any] | None
) -> dict[str, ff.Field]:
    where = f"{cls.__qualname__}.{attr}"
    target = related.model
    if target is None:
        if model is None:
            raise TypeError(f"{where}: RelatedField needs a model (or Meta.model).")
        relation = _model_field(model, attr, where)
        target = relation.related_model
        if target is None:
            raise TypeError(f"{where}: {model.__name__}.{attr} is not a relation.")
    names = _filterable(target, relations=False) if related.fields == ALL else list(related.fields)
    fields: dict[str, ff.Field] = {}
    for name in names:
        if name in related.exclude:
            continue
        model_field = _model_field(target, name, where)
        field = field_for_model_field(model_field)
        if field is None:
            raise TypeError(f"{where}: {target.__name__}.{name} cannot be filtered on.")
        full = f"{attr}__{name}"
        options = {"db_field": full, **related.field_options}
        fields[full] = field.with_options(**options)
    return fields
