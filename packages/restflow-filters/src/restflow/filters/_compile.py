"""Compile a FilterSet class into its table of accepted parameters.

Runs once per class, on the fields ``_collect`` gathered: each field becomes
one parameter per lookup variant (and its negation). Declaration mistakes
raise here, naming the class and attribute: ``TypeError`` for a bad
declaration, ``ImproperlyConfigured`` for a name the model does not have.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured

import restflow.filters.fields as ff
from restflow.core import is_async_callable
from restflow.filters._bounds import Bounds, column_bounds, integer_column
from restflow.filters._collect import collect_fields
from restflow.filters._params import Param, make_parser, takes_list, value_schema
from restflow.filters.lookups import ALL, CATEGORIES, OPT_IN_CATEGORIES, POSTGRES_LOOKUPS
from restflow.filters.options import FilterSetOptions
from restflow.filters.ordering import OrderField

__all__ = ["Compiled", "compile_filterset"]


@dataclass(slots=True)
class Compiled:
    """What a request needs, built once per FilterSet class."""

    fields: dict[str, ff.Field]
    params: dict[str, Param]
    required: dict[str, frozenset[str]]
    ordering: OrderField | None
    order_param: str | None
    uses_postgres: bool


def compile_filterset(cls: type, base: type, options: FilterSetOptions) -> Compiled:
    """Collect ``cls``'s fields (explicit > annotation > model) and compile their parameters."""
    fields, ordering, order_param = collect_fields(cls, base, options)
    params: dict[str, Param] = {}
    required: dict[str, frozenset[str]] = {}
    for attr, field in fields.items():
        names = []
        for param in _params_of(cls, attr, field, options):
            clash = params.get(param.name)
            if clash is not None:
                raise TypeError(
                    f"{cls.__qualname__}: the parameter {param.name!r} comes from both "
                    f"{clash.attr!r} and {attr!r}; rename one or set lookup_separator."
                )
            params[param.name] = param
            names.append(param.name)
        if field.required:
            required[attr] = frozenset(names)
    if order_param is not None and order_param in params:
        raise TypeError(
            f"{cls.__qualname__}: the ordering parameter {order_param!r} is also a filter "
            "parameter; set Meta.order_param to another name."
        )
    uses_postgres = any(param.lookup in POSTGRES_LOOKUPS for param in params.values())
    return Compiled(fields, params, required, ordering, order_param, uses_postgres)


# -- one field's parameters -------------------------------------------------------


def _params_of(cls: type, attr: str, field: ff.Field, options: FilterSetOptions) -> Iterator[Param]:
    where = f"{cls.__qualname__}.{attr}"
    model = options.model
    db_field = field.db_field or attr
    if isinstance(field, ff.ListField) and model is not None and field.base_lookup == "in":
        model_field = _resolve_path(model, db_field, where, strict=False)
        if getattr(model_field, "base_field", None) is not None:
            field = field.with_options(base_lookup="exact")
    method = _check_method(cls, where, field.method)
    build = _check_filter_by(cls, where, field.filter_by)
    negatable = field.allow_negate if field.allow_negate is not None else options.allow_negate
    if method is not None and field.allow_negate is None:
        negatable = False
    if field.negate:
        negatable = False
    separator = field.lookup_separator or options.lookup_separator
    max_list = field.max_list_size or options.max_list_size
    base_help = field.help_text or ""

    variants = [(attr, field.base_lookup, True)]
    for name, lookup in _lookups(cls, attr, field, separator):
        variants.append((name, lookup, False))

    for name, lookup, is_base in variants:
        if is_base and isinstance(field.filter_by, str):
            key: str | None = field.filter_by
        elif is_base and (build is not None or method is not None):
            key = None
        elif _orm_lookup(field, lookup) == "exact" and not takes_list(field, lookup):
            key = db_field
        else:
            key = f"{db_field}__{_orm_lookup(field, lookup)}"
        bounds: Bounds | None = None
        if model is not None and key is not None and method is None:
            column = integer_column(_resolve_path(model, key, where, strict=True))
            if column is not None:
                bounds = column_bounds(model, column)
        parse, many = make_parser(field, lookup, max_list, bounds)
        help_text = field.lookup_help_text.get(name[len(attr) :].lstrip("_")) or _help(
            base_help, attr, lookup, is_base
        )
        common = {
            "attr": attr,
            "lookup": lookup,
            "field": field,
            "parse": parse,
            "many": many,
            "key": key if method is None else None,
            "build": build if is_base and key is None else None,
            "method": method,
            "schema": value_schema(field, lookup),
        }
        yield Param(name=name, negated=field.negate, help_text=help_text, **common)
        if negatable:
            negated_help = f"Excludes what {name} matches."
            yield Param(name=f"{name}!", negated=True, help_text=negated_help, **common)


_ORM_NAMES = {"overlaps": "overlap"}  # the spec's name -> django.contrib.postgres's name


def _orm_lookup(field: ff.Field, lookup: str) -> str:
    """The ORM lookup for ``lookup``: ``date`` on a date (``time`` on a time) is ``exact``."""
    if (lookup == "date" and isinstance(field, ff.DateField)) or (
        lookup == "time" and isinstance(field, ff.TimeField)
    ):
        return "exact"
    return _ORM_NAMES.get(lookup, lookup)


def _help(base: str, attr: str, lookup: str, is_base: bool) -> str:
    if is_base:
        return base or f"Filter on {attr}."
    return f"{base or attr}: {lookup.replace('_', ' ')}."


def _lookups(cls: type, attr: str, field: ff.Field, separator: str) -> Iterator[tuple[str, str]]:
    """``(parameter name, ORM lookup)`` for every lookup variant of ``field``."""
    where = f"{cls.__qualname__}.{attr}"
    spec = field.lookups
    if spec is None:
        return
    entries: Sequence[Any] = [spec] if isinstance(spec, str | Mapping) else spec
    seen: set[str] = set()
    for entry in entries:
        if isinstance(entry, Mapping):
            for alias, lookup in entry.items():
                _check_lookup(where, field, lookup)
                yield f"{attr}{separator}{alias}", lookup
            continue
        if not isinstance(entry, str):
            raise TypeError(f"{where}: lookups entries must be strings or dicts, got {entry!r}.")
        for lookup in _expand(where, field, entry):
            if lookup not in seen and lookup != field.base_lookup:
                seen.add(lookup)
                yield f"{attr}__{lookup}", lookup


def _expand(where: str, field: ff.Field, entry: str) -> list[str]:
    if entry == ALL:
        return [
            lookup
            for category, lookups in CATEGORIES.items()
            if category in field.categories and category not in OPT_IN_CATEGORIES
            for lookup in lookups
        ]
    if entry in CATEGORIES:
        if entry not in field.categories:
            raise TypeError(
                f"{where}: the lookup category {entry!r} does not apply to "
                f"{type(field).__name__}; it allows {_allowed(field)}."
            )
        return list(CATEGORIES[entry])
    _check_lookup(where, field, entry)
    return [entry]


def _check_lookup(where: str, field: ff.Field, lookup: str) -> None:
    known = {name for lookups in CATEGORIES.values() for name in lookups}
    if lookup not in known:
        raise TypeError(
            f"{where}: unknown lookup {lookup!r}; lookups are {', '.join(sorted(known))} "
            f"or the categories {', '.join(CATEGORIES)}."
        )
    if not any(lookup in CATEGORIES[category] for category in field.categories):
        raise TypeError(
            f"{where}: the lookup {lookup!r} does not apply to {type(field).__name__}; "
            f"it allows {_allowed(field)}."
        )


def _allowed(field: ff.Field) -> str:
    return "; ".join(
        f"{category} ({', '.join(CATEGORIES[category])})"
        for category in CATEGORIES
        if category in field.categories
    )


def _check_method(cls: type, where: str, method: Any) -> Any:
    if method is None:
        return None
    if isinstance(method, str):
        if not callable(getattr(cls, method, None)):
            raise TypeError(f"{where}: method={method!r} is not a method of {cls.__qualname__}.")
        return method
    if not callable(method):
        raise TypeError(f"{where}: method must be a method name or a callable, got {method!r}.")
    return method


def _check_filter_by(cls: type, where: str, filter_by: Any) -> Any:
    if filter_by is None or isinstance(filter_by, str):
        return None
    if not callable(filter_by):
        raise TypeError(
            f"{where}: filter_by must be an ORM expression string or a callable, got {filter_by!r}."
        )
    if is_async_callable(filter_by):
        raise TypeError(
            f"{where}: filter_by must be a plain function building a Q or a dict; for async "
            "work use method= instead."
        )
    if len(inspect.signature(filter_by).parameters) < 1:
        raise TypeError(f"{where}: filter_by callables take the value as their argument.")
    return filter_by


def _resolve_path(model: type[Any], path: str, where: str, *, strict: bool) -> Any:
    """Walk ``path`` through ``model``: the model field it ends on (``None`` if unknown).

    With ``strict``, a first name that is not a model field, or a later name
    that is neither a field nor a lookup/transform, raises ``ImproperlyConfigured``.
    """
    current: Any = model
    field: Any = None
    for part in path.split("__"):
        if current is not None:
            try:
                field = current._meta.get_field(part)
            except FieldDoesNotExist:
                if field is None:
                    if strict:
                        raise ImproperlyConfigured(
                            f"{where}: {model.__name__} has no field {part!r} (in {path!r})."
                        ) from None
                    return None
            else:
                current = field.related_model if field.is_relation else None
                continue
        known = part in POSTGRES_LOOKUPS or field.get_lookup(part) or field.get_transform(part)
        if strict and not known:
            raise ImproperlyConfigured(
                f"{where}: in {path!r}, {part!r} is neither a field of "
                f"{(field.related_model or field.model).__name__} nor a lookup of "
                f"{type(field).__name__} {field.name!r}."
            )
        return field
    return field
