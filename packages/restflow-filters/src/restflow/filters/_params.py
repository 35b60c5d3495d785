"""Compiled query parameters: how one parameter's raw values become a value.

A FilterSet compiles every parameter it accepts into a :class:`Param` at
class creation; a request only looks parameters up and calls ``parse``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from rest_framework import serializers
from rest_framework.exceptions import ValidationError

import restflow.filters.fields as ff
from restflow.filters._bounds import Bounds
from restflow.filters.fields import DrfField
from restflow.filters.lookups import BOUNDED_INTS, TEXT_VALUE_LOOKUPS

__all__ = ["Param", "make_parser", "messages_of", "takes_list", "value_schema"]

Parser = Callable[[Sequence[Any]], Any]
_LIST_LOOKUPS = frozenset({"in", "range", "overlaps", "contained_by"})
_PARTIAL_TEXT_LOOKUPS = frozenset({"icontains", "contains", "startswith", "endswith"})
_ARRAY_LOOKUPS = frozenset({"exact", "contains", "overlaps", "contained_by"})


@dataclass(slots=True, eq=False)
class Param:
    """One accepted query parameter, compiled."""

    name: str
    attr: str
    lookup: str
    field: ff.Field
    parse: Parser
    many: bool
    negated: bool = False
    key: str | None = None
    build: Callable[[Any], Any] | None = None
    method: str | Callable[..., Any] | None = None
    help_text: str = ""
    schema: dict[str, Any] = dc_field(default_factory=dict)


def messages_of(exc: ValidationError) -> list[str]:
    """The flat list of messages of a DRF ``ValidationError``."""
    detail = exc.detail
    if isinstance(detail, dict):
        return [str(message) for messages in detail.values() for message in _as_list(messages)]
    return [str(message) for message in _as_list(detail)]


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


def _lookup_value(field: ff.Field, lookup: str) -> tuple[DrfField, dict[str, Any]] | None:
    """The DRF field and schema of a lookup whose value is not of the field's own type."""
    if lookup == "isnull":
        return serializers.BooleanField(), {"type": "boolean"}
    if lookup in BOUNDED_INTS:
        low, high = BOUNDED_INTS[lookup]
        return serializers.IntegerField(min_value=low, max_value=high), {"type": "integer"}
    if lookup == "date":
        return serializers.DateField(), {"type": "string", "format": "date"}
    if lookup == "time":
        return serializers.TimeField(), {"type": "string", "format": "time"}
    if lookup in TEXT_VALUE_LOOKUPS or (
        lookup in _PARTIAL_TEXT_LOOKUPS and not isinstance(field, ff.ListField)
    ):
        return serializers.CharField(trim_whitespace=False), {"type": "string"}
    return None


def _value_field(field: ff.Field, lookup: str) -> DrfField:
    """The DRF field that converts one value of ``field`` used with ``lookup``."""
    special = _lookup_value(field, lookup)
    return field.build_drf_field() if special is None else special[0]


def value_schema(field: ff.Field, lookup: str) -> dict[str, Any]:
    """OpenAPI schema of ``field`` used with ``lookup`` (an array for list lookups)."""
    special = _lookup_value(field, lookup)
    value = field.value_schema() if special is None else special[1]
    return {"type": "array", "items": value} if takes_list(field, lookup) else value


def takes_list(field: ff.Field, lookup: str) -> bool:
    """Whether ``field`` used with ``lookup`` takes several values."""
    if lookup in _LIST_LOOKUPS:
        return True
    return isinstance(field, ff.ListField) and lookup in _ARRAY_LOOKUPS


def make_parser(
    field: ff.Field, lookup: str, max_list_size: int, bounds: Bounds | None = None
) -> tuple[Parser, bool]:
    """Build the parser of ``field`` used with ``lookup``; also say whether it takes a list.

    ``bounds`` is the range of the integer column the value is compared with:
    an integer value outside it is invalid (it would overflow in the database).
    """
    drf_field = _value_field(field, lookup)
    convert: Callable[[Any], Any] = drf_field.run_validation
    if (
        bounds is not None
        and isinstance(drf_field, serializers.IntegerField)
        and _lookup_value(field, lookup) is None
    ):
        convert = _within(convert, bounds)
    if not takes_list(field, lookup):

        def parse_one(raws: Sequence[Any]) -> Any:
            return convert(raws[-1])

        return parse_one, False

    exact = 2 if lookup == "range" else None

    def parse_many(raws: Sequence[Any]) -> list[Any]:
        items = _split(raws)
        if exact is not None and len(items) != exact:
            raise ValidationError(
                [f"Give exactly {exact} comma-separated values (start,end); got {len(items)}."]
            )
        if len(items) > max_list_size:
            raise ValidationError([f"Give at most {max_list_size} values; got {len(items)}."])
        values: list[Any] = []
        problems: list[str] = []
        for position, item in enumerate(items, start=1):
            try:
                values.append(convert(item))
            except ValidationError as exc:
                problems.extend(f"Item {position}: {message}" for message in messages_of(exc))
        if problems:
            raise ValidationError(problems)
        return values

    return parse_many, True


_MESSAGES = serializers.IntegerField.default_error_messages


def _within(convert: Callable[[Any], Any], bounds: Bounds) -> Callable[[Any], Any]:
    """``convert``, then refuse a value outside ``bounds()`` (looked up on first use)."""
    known: list[tuple[int, int]] = []

    def convert_within(raw: Any) -> Any:
        value = convert(raw)
        if not known:
            known.append(bounds())
        low, high = known[0]
        if value < low:
            raise ValidationError([str(_MESSAGES["min_value"]).format(min_value=low)])
        if value > high:
            raise ValidationError([str(_MESSAGES["max_value"]).format(max_value=high)])
        return value

    return convert_within


def _split(raws: Sequence[Any]) -> list[Any]:
    items: list[Any] = []
    for raw in raws:
        if isinstance(raw, str):
            items.extend(part.strip() for part in raw.split(",") if part.strip())
        elif isinstance(raw, list | tuple | set | frozenset):
            items.extend(raw)
        elif raw is not None:
            items.append(raw)
    return items
