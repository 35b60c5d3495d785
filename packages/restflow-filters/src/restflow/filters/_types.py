"""Turn annotations, DRF fields and model fields into filter fields."""

from __future__ import annotations

from typing import Any

from django.db import models
from rest_framework import serializers

import restflow.filters.fields as ff
from restflow.filters.fields import DrfField
from restflow.typemap import get_field_from_type

__all__ = ["field_for_annotation", "field_for_model_field", "with_resolved_child"]

# DRF field class -> filter field class; looked up along the DRF field's MRO.
_BY_DRF: dict[type[Any], type[ff.Field]] = {
    serializers.BooleanField: ff.BooleanField,
    serializers.IntegerField: ff.IntegerField,
    serializers.FloatField: ff.FloatField,
    serializers.DecimalField: ff.DecimalField,
    serializers.DateTimeField: ff.DateTimeField,
    serializers.DateField: ff.DateField,
    serializers.TimeField: ff.TimeField,
    serializers.DurationField: ff.DurationField,
    serializers.UUIDField: ff.UUIDField,
    serializers.EmailField: ff.EmailField,
    serializers.IPAddressField: ff.IPAddressField,
    serializers.MultipleChoiceField: ff.MultipleChoiceField,
    serializers.ChoiceField: ff.ChoiceField,
    serializers.ListField: ff.ListField,
    serializers.CharField: ff.StringField,
}

# Django model field class -> filter field class; looked up along the MRO.
_BY_MODEL: dict[type[Any], type[ff.Field]] = {
    models.BooleanField: ff.BooleanField,
    models.IntegerField: ff.IntegerField,
    models.AutoField: ff.IntegerField,
    models.BigAutoField: ff.IntegerField,
    models.SmallAutoField: ff.IntegerField,
    models.FloatField: ff.FloatField,
    models.DecimalField: ff.DecimalField,
    models.DateTimeField: ff.DateTimeField,
    models.DateField: ff.DateField,
    models.TimeField: ff.TimeField,
    models.DurationField: ff.DurationField,
    models.UUIDField: ff.UUIDField,
    models.EmailField: ff.EmailField,
    models.GenericIPAddressField: ff.IPAddressField,
    models.CharField: ff.StringField,
    models.TextField: ff.StringField,
    models.FileField: ff.StringField,
}


def _by_mro(table: dict[type[Any], type[ff.Field]], obj: object) -> type[ff.Field] | None:
    for klass in type(obj).__mro__:
        found = table.get(klass)
        if found is not None:
            return found
    return None


def field_for_drf(drf_field: DrfField) -> ff.Field:
    """The filter field for a DRF field instance; ``TypeError`` if there is none."""
    filter_class = _by_mro(_BY_DRF, drf_field)
    if filter_class is None:
        raise TypeError(f"{type(drf_field).__name__} has no filter field")
    if filter_class is ff.ListField:
        assert isinstance(drf_field, serializers.ListField)
        return ff.ListField(child=field_for_drf(drf_field.child))
    if issubclass(filter_class, ff.ChoiceField):
        assert isinstance(drf_field, serializers.ChoiceField)
        return filter_class(choices=list(drf_field.choices.items()))
    return filter_class()


def field_for_annotation(annotation: Any, *, owner: type, name: str) -> ff.Field:
    """The filter field for an annotation, through restflow-core's type map."""
    drf_field = get_field_from_type(annotation, name=name, owner=owner)
    try:
        return field_for_drf(drf_field)
    except TypeError:
        raise TypeError(
            f"{owner.__qualname__}.{name}: the annotation {annotation!r} maps to "
            f"{type(drf_field).__name__}, which cannot filter; annotate a scalar type, "
            "list[T] or Literal[...], or declare a filter field explicitly."
        ) from None


def with_resolved_child(field: ff.Field) -> ff.Field:
    """``field`` with a list's child (a DRF field or a type) made a filter field.

    Called once per field when a FilterSet compiles; a field that needs no
    change is returned as it is, else a copy (the declaration is left alone).
    """
    if not isinstance(field, ff.ListField) or field.child is None:
        return field
    child = field.child
    if isinstance(child, ff.Field):
        resolved = with_resolved_child(child)
    elif isinstance(child, serializers.Field):
        resolved = field_for_drf(child)
    else:
        resolved = field_for_drf(get_field_from_type(child))
    return field if resolved is child else field.with_options(child=resolved)


def field_for_model_field(model_field: Any) -> ff.Field | None:
    """The filter field for a model field, or ``None`` if it cannot be filtered on."""
    if getattr(model_field, "choices", None):
        return ff.ChoiceField(choices=list(model_field.flatchoices))
    base_field = getattr(model_field, "base_field", None)
    if base_field is not None:  # django.contrib.postgres ArrayField
        child = field_for_model_field(base_field)
        if child is None:
            return None
        return ff.ListField(child=child).with_options(base_lookup="exact")
    if model_field.is_relation:
        target = getattr(model_field, "target_field", None)
        if target is None and model_field.related_model is not None:
            target = model_field.related_model._meta.pk
        return None if target is None else field_for_model_field(target)
    filter_class = _by_mro(_BY_MODEL, model_field)
    return None if filter_class is None else filter_class()
