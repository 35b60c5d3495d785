"""The range of the integer column an integer filter compares with.

An integer beyond the column's range must be a 400, not an overflow in the
database driver. The range depends on the database (SQLite stores 64 bits
in every integer column, PostgreSQL's ``integer`` holds 32), so it is looked
up once, on first use, for the database the FilterSet's model reads from.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import FieldError
from django.db import connections, models, router

__all__ = ["Bounds", "column_bounds", "integer_column"]

Bounds = Callable[[], tuple[int, int]]
_FALLBACK = "BigIntegerField"  # a custom integer field whose internal type Django has no range for


def integer_column(model_field: Any) -> models.IntegerField[Any, Any] | None:
    """The integer column ``model_field`` stores (through relations and arrays), or ``None``."""
    field = model_field
    for _ in range(8):  # a relation may point at a relation (a one-to-one primary key)
        if field is None or not field.is_relation:
            break
        try:
            field = field.target_field
        except (AttributeError, FieldError):  # a multi-column relation has no single column
            return None
    base_field = getattr(field, "base_field", None)  # django.contrib.postgres ArrayField
    if base_field is not None:
        field = base_field
    return field if isinstance(field, models.IntegerField) else None


def column_bounds(model: type[models.Model], column: models.IntegerField[Any, Any]) -> Bounds:
    """A function giving ``column``'s ``(low, high)`` range on the database ``model`` reads from."""

    def bounds() -> tuple[int, int]:
        ops = connections[router.db_for_read(model)].ops
        try:
            low, high = ops.integer_field_range(column.get_internal_type())
        except KeyError:
            low, high = ops.integer_field_range(_FALLBACK)
        return int(low), int(high)

    return bounds
