"""Decide which fields and validators may run on the event loop.

DRF's own field classes and Django's core validators do no I/O; related
fields query the database, ``UniqueValidator`` and friends too, and code we
did not write (a custom field overriding a DRF method, a validator function)
is assumed to block unless marked with :func:`restflow.core.mark_loop_safe`.
Answers are cached per class.
"""

from __future__ import annotations

from typing import Any

from rest_framework import fields as drf_fields
from rest_framework import relations
from rest_framework.serializers import BaseSerializer

from restflow.core import is_async_callable, is_loop_safe
from restflow.serializers._steps import Mode

_OWN_MODULES = ("rest_framework.", "restflow.")
_SAFE_VALIDATOR_MODULES = ("django.core.validators", "rest_framework.fields")
_SAFE_DEFAULT_MODULES = frozenset(
    {"builtins", "datetime", "uuid", "decimal", "django.utils.timezone"}
)
_DB_VALIDATOR_MODULE = "rest_framework.validators"
_SAFE_DRF_VALIDATORS = frozenset({"ProhibitSurrogateCharactersValidator"})

# methods a field runs while validating / while representing
_WRITE_METHODS = (
    "run_validation",
    "to_internal_value",
    "validate_empty_values",
    "get_value",
    "run_validators",
    "get_default",
)
_READ_METHODS = ("to_representation", "get_attribute")

_class_cache: dict[tuple[type, str], bool] = {}
_validator_cache: dict[type, bool] = {}


def _ours(cls: type, method: str) -> bool:
    for klass in cls.__mro__:
        if method in vars(klass):
            return klass.__module__.startswith(_OWN_MODULES)
    return True


def _class_is_safe(cls: type, direction: str) -> bool:
    key = (cls, direction)
    safe = _class_cache.get(key)
    if safe is None:
        methods = _WRITE_METHODS if direction == "write" else _READ_METHODS
        safe = is_loop_safe(cls) or all(_ours(cls, method) for method in methods)
        _class_cache[key] = safe
    return safe


def validator_is_safe(validator: Any, where: str) -> bool:
    """Whether a field or serializer validator can run on the loop.

    Raises ``TypeError`` for an ``async def`` validator: DRF calls validators
    synchronously, so it would never be awaited.
    """
    cls = type(validator)
    safe = _validator_cache.get(cls)
    if safe is not None:
        return safe
    if is_async_callable(validator):
        raise TypeError(
            f"{where}: validator {validator!r} is async; DRF runs validators synchronously. "
            "Move the check into an 'async def validate_<name>' or 'async def validate' method."
        )
    module = cls.__module__
    if module == "builtins":  # a function: judged by where it is defined, not cached per type
        defined_in = getattr(validator, "__module__", None) or ""
        return defined_in.startswith(_SAFE_VALIDATOR_MODULES) or is_loop_safe(validator)
    if module.startswith(_SAFE_VALIDATOR_MODULES) or (
        module == _DB_VALIDATOR_MODULE and cls.__name__ in _SAFE_DRF_VALIDATORS
    ):
        _validator_cache[cls] = True
        return True
    if module == _DB_VALIDATOR_MODULE:  # UniqueValidator & co. query the database
        _validator_cache[cls] = False
        return False
    # functions and user classes: decided per object (functions all share one type)
    return is_loop_safe(validator)


def validators_are_safe(validators: Any, where: str) -> bool:
    """Whether every validator of a list can run on the loop (raises for async ones)."""
    safe = True
    for validator in validators:
        safe = validator_is_safe(validator, where) and safe
    return safe


def _default_is_safe(default: Any) -> bool:
    """Whether a callable field default is known to do no I/O (``list``, ``timezone.now``…)."""
    module = getattr(default, "__module__", None) or type(default).__module__
    return (
        module in _SAFE_DEFAULT_MODULES or module.startswith(_OWN_MODULES) or is_loop_safe(default)
    )


def write_mode(field: Any, where: str) -> Mode:
    """How validating ``field`` runs on the async path (nested restflow serializers included)."""
    plan_mode = getattr(field, "_validation_mode", None)
    if plan_mode is not None:  # a restflow serializer: its own plan decides
        mode: Mode = plan_mode()
        return mode
    if isinstance(field, (BaseSerializer, relations.RelatedField, relations.ManyRelatedField)):
        return Mode.THREAD
    if not _class_is_safe(type(field), "write"):
        return Mode.THREAD
    child = getattr(field, "child", None)
    if (
        isinstance(field, (drf_fields.ListField, drf_fields.DictField))
        and child is not None
        and write_mode(child, where) is not Mode.LOOP
    ):
        return Mode.THREAD
    default = getattr(field, "default", drf_fields.empty)
    if callable(default) and not _default_is_safe(default):
        return Mode.THREAD
    return Mode.LOOP if validators_are_safe(field.validators, where) else Mode.THREAD


def read_needs_thread(field: Any) -> bool:
    """Whether representing ``field`` runs code that may block outside the ORM.

    ORM access (a related field, a nested relation, a deferred attribute) is
    not counted: the async path runs on the loop and retries in a thread when
    Django refuses a query there.
    """
    if isinstance(field, drf_fields.SerializerMethodField):
        parent = field.parent
        method = getattr(parent, field.method_name, None) if parent is not None else None
        return method is None or not is_loop_safe(method)
    if isinstance(field, BaseSerializer):
        fields = getattr(field, "fields", None)  # a ListSerializer has none: its child has
        if fields is None:
            child = getattr(field, "child", None)
            return child is not None and read_needs_thread(child)
        return not _class_is_safe(type(field), "read") or any(
            read_needs_thread(child) for child in fields.values() if not child.write_only
        )
    if isinstance(field, (relations.RelatedField, relations.ManyRelatedField)):
        child_relation = getattr(field, "child_relation", None)
        if child_relation is not None:
            return read_needs_thread(child_relation)
        return not _class_is_safe(type(field), "read")
    if not _class_is_safe(type(field), "read"):
        return True
    child = getattr(field, "child", None)
    return child is not None and read_needs_thread(child)
