"""Mutation helpers for service bodies: copy validated input onto a model, save what changed.

:func:`apply_input` is the I/O-free core (sets attributes, reports which
changed); :func:`create_from_input` / :func:`update_from_input` save with
``save()`` and their ``a``-twins with ``asave()``. Many-to-many values are
set after the row is saved. Each returns a :class:`MutationResult`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import FieldDoesNotExist
from django.db import models

__all__ = [
    "MutationResult",
    "acreate_from_input",
    "apply_input",
    "aupdate_from_input",
    "create_from_input",
    "update_from_input",
]

_M = TypeVar("_M", bound=models.Model)


@dataclass(frozen=True, slots=True)
class MutationResult(Generic[_M]):
    """The instance and the names of the fields whose value changed (``created`` for a new row)."""

    instance: _M
    changed: tuple[str, ...]
    created: bool = False

    def __bool__(self) -> bool:
        return self.created or bool(self.changed)


@dataclass(frozen=True, slots=True)
class _Plan:
    """What :func:`apply_input` did: the concrete fields set, and many-to-many values to set later."""

    changed: tuple[str, ...]
    many: dict[str, Any]


def _split(
    model: type[models.Model], data: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    plain: dict[str, Any] = {}
    many: dict[str, Any] = {}
    for name, value in data.items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist as exc:
            raise TypeError(
                f"{model.__qualname__} has no field {name!r} to set from input."
            ) from exc
        (many if field.many_to_many else plain)[name] = value
    return plain, many


def _plan(instance: models.Model, data: Mapping[str, Any]) -> _Plan:
    plain, many = _split(type(instance), data)
    changed = []
    for name, value in plain.items():
        field = instance._meta.get_field(name)
        attname = getattr(field, "attname", name)
        if field.is_relation and isinstance(value, models.Model):
            changed_value = getattr(instance, attname) != value.pk
        else:  # a plain value, or a foreign key given as its key: compare the stored column
            changed_value = getattr(instance, attname) != value
            name = attname
        if changed_value:
            setattr(instance, name, value)
            changed.append(field.name)
    return _Plan(tuple(changed), many)


def apply_input(instance: _M, data: Mapping[str, Any]) -> tuple[str, ...]:
    """Set ``instance``'s fields from ``data``; return the names whose value changed.

    No database access: nothing is saved, many-to-many names are refused
    (set them after saving, or use the ``*_from_input`` helpers).
    """
    plan = _plan(instance, data)
    if plan.many:
        raise TypeError(
            f"apply_input cannot set many-to-many fields {sorted(plan.many)!r} without saving."
        )
    return plan.changed


def _new(model: type[_M], data: Mapping[str, Any]) -> tuple[_M, dict[str, Any]]:
    plain, many = _split(model, data)
    return model(**plain), many


def create_from_input(model: type[_M], data: Mapping[str, Any]) -> MutationResult[_M]:
    """Create and save a ``model`` row from ``data`` (many-to-many set after the save)."""
    instance, many = _new(model, data)
    instance.save()
    for name, value in many.items():
        getattr(instance, name).set(value)
    return MutationResult(instance, tuple(data), created=True)


async def acreate_from_input(model: type[_M], data: Mapping[str, Any]) -> MutationResult[_M]:
    """:func:`create_from_input` for async services (``asave``, ``aset``)."""
    instance, many = _new(model, data)
    await instance.asave()
    for name, value in many.items():
        await getattr(instance, name).aset(value)
    return MutationResult(instance, tuple(data), created=True)


def update_from_input(instance: _M, data: Mapping[str, Any]) -> MutationResult[_M]:
    """Apply ``data``; save only the changed fields (nothing when none changed)."""
    plan = _plan(instance, data)
    if plan.changed:
        instance.save(update_fields=plan.changed)
    for name, value in plan.many.items():
        getattr(instance, name).set(value)
    return MutationResult(instance, plan.changed + tuple(plan.many))


async def aupdate_from_input(instance: _M, data: Mapping[str, Any]) -> MutationResult[_M]:
    """:func:`update_from_input` for async services (``asave``, ``aset``)."""
    plan = _plan(instance, data)
    if plan.changed:
        await instance.asave(update_fields=plan.changed)
    for name, value in plan.many.items():
        await getattr(instance, name).aset(value)
    return MutationResult(instance, plan.changed + tuple(plan.many))
