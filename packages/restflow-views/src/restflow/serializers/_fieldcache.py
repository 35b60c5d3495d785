"""Field prototypes: a ``ModelSerializer`` class's fields built from its model once, then copied.

DRF's ``ModelSerializer.get_fields`` introspects the model and ``Meta`` for
every serializer instance -- about a third of a create request's CPU. The
result depends only on the class (its ``Meta``, its declared fields, its
builder methods), the model's fields and the settings, so restflow builds it
once per class and gives each instance copies, made the way DRF copies
declared fields (``copy.deepcopy``: each field constructed again from its
arguments, validators shared). Fields are stateful (bound to a parent), so
the prototypes themselves are never bound or handed out.

A class is served from prototypes only while it keeps DRF's builders (no
override of ``get_fields``, ``get_field_names``, ``get_extra_kwargs``,
``build_field``…: an override may read the instance, its context or the
request) and while its model has no relation with a callable
``limit_choices_to`` (DRF calls it when building a field). Prototypes are
rebuilt when the model's fields change (Django's model metadata gives a new
field list then: a field added, the app registry reloaded). Settings need no
watching: the one a build reads, ``URL_FIELD_NAME``, is part of the key, and
the fields read theirs (formats, coercion) when they run.

DRF's copy constructs a field again from its arguments (deep copies of them).
For the plain value fields of ``rest_framework.fields`` (exactly those classes:
no child field, no queryset, no choices -- which may come from a callable --, no
file system, no user subclass) a constructor's outcome depends on its arguments
only, so restflow copies the prototype's state instead (:func:`_copy_state`): a
new field object in which the containers the constructor builds (``style``,
``error_messages``, the validator list) are new containers of the same items,
values of immutable types are shared, and any other value (a list given as
``default``, an object) is deep-copied, as DRF's copy would. Validators are
shared (DRF's copy shares the validators it was given and makes again the ones
its constructor adds; neither holds state). Every other field is copied the DRF
way.
"""

from __future__ import annotations

import copy
import types
import weakref
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from rest_framework import fields as drf_fields
from rest_framework import serializers
from rest_framework.settings import api_settings

__all__ = ["FieldPrototypes"]

# the methods DRF's ``ModelSerializer.get_fields`` calls to build the fields
_BUILDERS = (
    "get_field_names",
    "get_default_field_names",
    "get_extra_kwargs",
    "get_uniqueness_extra_kwargs",
    "get_unique_together_constraints",
    "include_extra_kwargs",
    "build_field",
    "build_standard_field",
    "build_relational_field",
    "build_nested_field",
    "build_property_field",
    "build_url_field",
    "build_unknown_field",
)
_DRF_CLASSES = (serializers.ModelSerializer, serializers.HyperlinkedModelSerializer)

# DRF's value fields: no child field, queryset, choices or file system (named, so that a
# field class a later DRF adds is copied DRF's way until it is known to be one of these)
_VALUE_FIELDS = (
    *("BooleanField", "CharField", "EmailField", "RegexField", "SlugField", "URLField"),
    *("UUIDField", "IPAddressField", "IntegerField", "BigIntegerField", "FloatField"),
    *("DecimalField", "DateTimeField", "DateField", "TimeField", "DurationField"),
    *("FileField", "ImageField", "JSONField", "ReadOnlyField"),
)
_PLAIN: frozenset[type] = frozenset(
    klass for klass in (getattr(drf_fields, name, None) for name in _VALUE_FIELDS) if klass
)
"""The field classes copied from their state: DRF's value fields, exactly these classes."""
# the containers a value field's constructor builds: copied one level deep
_OWN_CONTAINERS = frozenset({"style", "error_messages", "_validators", "_kwargs"})
_IMMUTABLE = (
    *(str, int, float, Decimal, bool, type(None), type, Promise, tuple, frozenset),
    *(types.FunctionType, types.BuiltinFunctionType),
)

Fields = dict[str, Any]
# how a value field is copied from its state, decided once per prototype: its class, the
# attributes shared as they are, the containers copied one level, the values deep-copied
_StatePlan = tuple[type, dict[str, Any], tuple[tuple[str, Any], ...], tuple[tuple[str, Any], ...]]
# each prototype: its name, the field, its state plan (None: copied DRF's way)
_Prototypes = tuple[tuple[str, Any, _StatePlan | None], ...]
# (the model's field list when built, the prototypes or None when the model forbids them)
_Entry = tuple[object, _Prototypes | None]

# per serializer class: {(Meta, url_field_name): entry}; a class that goes away takes its own
_CACHE: weakref.WeakKeyDictionary[type, dict[tuple[Any, Any], _Entry]] = weakref.WeakKeyDictionary()


def _builds_like_drf(cls: type) -> bool:
    """Whether ``cls`` builds its fields with DRF's builders only, below :class:`FieldPrototypes`."""
    defining = [klass for klass in cls.__mro__ if "get_fields" in vars(klass)]
    if defining[:2] != [FieldPrototypes, serializers.ModelSerializer]:
        return False
    for name in _BUILDERS:
        method = getattr(cls, name, None)
        if not any(method is getattr(drf, name, None) for drf in _DRF_CLASSES):
            return False
    return True


def _model_allows(model: Any) -> bool:
    """False when a relation's ``limit_choices_to`` is callable (DRF evaluates it per build)."""
    for field in model._meta.get_fields():
        remote = getattr(field, "remote_field", None)
        if field.concrete and remote is not None and callable(remote.limit_choices_to):
            return False
    return True


class FieldPrototypes:
    """Mixed into restflow's ``ModelSerializer``: ``get_fields`` served from per-class prototypes."""

    # decided for each class once, when it is created
    _restflow_prototype_fields = False

    Meta: Any
    url_field_name: str | None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._restflow_prototype_fields = _builds_like_drf(cls)

    def get_fields(self) -> Fields:
        """DRF's ``ModelSerializer.get_fields``: copies of the class's prototypes when it allows."""
        build = super().get_fields  # type: ignore[misc]
        if not self._restflow_prototype_fields:
            fields: Fields = build()
            return fields
        return _fields(self, build)


def _fields(serializer: Any, build: Callable[[], Fields]) -> Fields:
    """Copies of the prototypes of ``serializer``'s class, built with ``build()`` when missing."""
    if serializer.url_field_name is None:  # what DRF's ``get_fields`` sets on the instance
        serializer.url_field_name = api_settings.URL_FIELD_NAME
    meta = getattr(serializer, "Meta", None)
    model = getattr(meta, "model", None)
    if model is None or model._meta.abstract:
        return build()  # DRF's error names the culprit
    token = model._meta.get_fields()  # the same tuple until the model's fields change
    entries = _CACHE.get(type(serializer))
    if entries is None:
        entries = _CACHE.setdefault(type(serializer), {})
    key = (meta, serializer.url_field_name)
    entry = entries.get(key)
    if entry is None or entry[0] is not token:
        fields = build()
        if not _model_allows(model):
            entries[key] = (token, None)
            return fields
        # ``fields`` stays unbound as the prototypes; the caller binds copies
        prototypes = tuple(
            (name, field, _state_plan(field) if type(field) in _PLAIN else None)
            for name, field in fields.items()
        )
        entries[key] = (token, prototypes)
    elif entry[1] is None:
        return build()
    else:
        prototypes = entry[1]
    return {
        name: copy.deepcopy(field) if plan is None else _copy_state(plan)
        for name, field, plan in prototypes
    }


def _state_plan(field: Any) -> _StatePlan:
    """How to copy the unbound ``field`` from its state, sorted once per prototype."""
    shared: dict[str, Any] = {}
    containers: list[tuple[str, Any]] = []
    deep: list[tuple[str, Any]] = []
    for key, value in vars(field).items():
        if key in _OWN_CONTAINERS:
            containers.append((key, value))
        elif isinstance(value, _IMMUTABLE):
            shared[key] = value  # functions and classes too: deepcopy gives them back
        else:
            deep.append((key, value))
    return type(field), shared, tuple(containers), tuple(deep)


def _copy_state(plan: _StatePlan) -> Any:
    """A copy of a prototype equal to DRF's ``copy.deepcopy`` of it (see the module)."""
    cls, shared, containers, deep = plan
    clone: Any = object.__new__(cls)
    state = vars(clone)
    state.update(shared)
    for key, value in containers:
        state[key] = value.copy()
    for key, value in deep:
        state[key] = copy.deepcopy(value)
    return clone
