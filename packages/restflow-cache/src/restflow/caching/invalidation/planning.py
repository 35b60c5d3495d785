"""What an invalidation rule's ``field_mapping`` means for the key of the function it watches.

A write either drops one entry (the mapping gives every argument of the key: ``"key"``), or a
partition (it gives leading partition fields: ``"prefix"``); anything else is refused at
declaration with ``ImproperlyConfigured`` naming what is missing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured

from restflow.caching.keys.constructor import field_names
from restflow.caching.keys.fields import ArgsKeyField, ConstantKeyField, KeyField

if TYPE_CHECKING:
    from restflow.caching.wrapper import CachedWrapper

__all__ = ["plan"]


def plan(
    wrapper: CachedWrapper, mapping: Mapping[str, str], require_args: list[str], *, rewarm: bool
) -> str:
    """``"key"``, ``"prefix"`` or ``""`` (no mapping: an invalidator or ``invalidate_all``)."""
    where = f"InvalidationRule of {wrapper.identifier}"
    if wrapper.serves_responses:
        return _plan_response(wrapper, mapping, require_args, rewarm, where)
    sig = wrapper.key.sig
    assert sig is not None
    unknown = [a for a in [*mapping, *require_args] if a not in sig.names]
    if unknown:
        raise ImproperlyConfigured(
            f"{where}: field_mapping/require_args name {', '.join(map(repr, unknown))}, "
            f"which {sig.qualname}() does not take; its arguments: {', '.join(sig.names)}."
        )
    return _plan_call(wrapper, mapping, rewarm, where) if mapping else ""


def _plan_call(wrapper: CachedWrapper, mapping: Mapping[str, str], rewarm: bool, where: str) -> str:
    """A ``cache_result`` function: one entry when the mapping gives its whole key, else a prefix."""
    sig = wrapper.key.sig
    assert sig is not None
    fields = list(wrapper.key.constructor.key_fields.values())
    mapped = set(mapping)
    needed: set[str] = set()
    exact = True
    for field in fields:
        if isinstance(field, ArgsKeyField):
            names = sig.key_arguments() if field.names is None else field.names
            needed.update(n for n in names if n not in sig.defaults)
            if field.path:
                exact = False
        elif field.needs_request:
            exact = False
    if exact and needed <= mapped:
        if rewarm:
            required = {n for n in sig.key_arguments() if n not in sig.defaults}
            missing = required - mapped
            if missing or sig.bound_first:
                raise ImproperlyConfigured(
                    f"{where}: rewarm=True recomputes the function from field_mapping, "
                    f"which must give every required argument (missing: "
                    f"{', '.join(sorted(missing)) or 'the instance of the method'})."
                )
        return "key"
    leading = _leading_partitions(wrapper.key.partition_fields, mapping)
    if leading and not rewarm:
        return "prefix"
    raise ImproperlyConfigured(
        f"{where}: field_mapping {sorted(mapped)} covers neither every argument of the key "
        f"({', '.join(sorted(needed)) or 'none'}; request-based fields cannot be rebuilt) "
        "nor a leading partition field" + ("; rewarm=True needs the full key." if rewarm else ".")
    )


def _plan_response(
    wrapper: CachedWrapper,
    mapping: Mapping[str, str],
    require_args: list[str],
    rewarm: bool,
    where: str,
) -> str:
    """A response cache is invalidated by partition: the mapping names leading partitions."""
    if rewarm:
        raise ImproperlyConfigured(
            f"{where}: rewarm=True cannot rebuild a response (it needs a request); drop it."
        )
    constructor = wrapper.key.constructor
    named: dict[str, KeyField] = {}
    for field in constructor.key_fields.values():
        for name in field_names(field):
            named.setdefault(name, field)
    unknown = [a for a in mapping if a not in named]
    if unknown:
        raise ImproperlyConfigured(
            f"{where}: field_mapping names {', '.join(map(repr, unknown))}, which the "
            f"response key {constructor.__name__} does not have; its fields: "
            f"{', '.join(sorted(named)) or '(none)'}."
        )
    unmapped = [a for a in require_args if a not in mapping]
    if unmapped:
        raise ImproperlyConfigured(
            f"{where}: require_args {', '.join(map(repr, unmapped))} must be keys of "
            "field_mapping (the values a write gives the response key)."
        )
    if not mapping:
        return ""
    mapped = {id(named[name]) for name in mapping}
    covered: set[int] = set()
    for field in wrapper.key.partition_fields:
        if id(field) in mapped:
            covered.add(id(field))
        elif not isinstance(field, ConstantKeyField):
            break
    if covered != mapped:
        order = ", ".join(f.attr for f in wrapper.key.partition_fields) or "(none)"
        raise ImproperlyConfigured(
            f"{where}: a response cache is invalidated by partition, so field_mapping "
            f"{sorted(mapping)} must name leading partition fields of "
            f"{constructor.__name__} (declare them with partition=True, first); its "
            f"partitions in order: {order}."
        )
    return "prefix"


def _leading_partitions(partitions: list[KeyField], mapping: Mapping[str, str]) -> bool:
    """Whether ``mapping`` gives the first non-constant partition fields (plain arguments)."""
    covered = False
    for field in partitions:
        if isinstance(field, ConstantKeyField):
            continue
        if (
            isinstance(field, ArgsKeyField)
            and field.single
            and field.names
            and field.names[0] in mapping
            and not field.path
        ):
            covered = True
            continue
        break
    return covered
