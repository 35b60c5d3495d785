"""Lookup categories, and the kind of value each ORM lookup takes.

``lookups=`` on a field accepts lookup names (``"icontains"``), category
names (``"text"``), ``"__all__"`` (every category the field type allows,
except ``unsafe``) and dicts of aliases (``{"min": "gte"}``).
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "ALL",
    "CATEGORIES",
    "POSTGRES_CATEGORIES",
    "POSTGRES_LOOKUPS",
]

ALL = "__all__"

CATEGORIES: Mapping[str, tuple[str, ...]] = {
    "basic": ("exact", "in", "isnull"),
    "text": ("icontains", "contains", "startswith", "endswith", "iexact"),
    "comparison": ("gt", "gte", "lt", "lte", "range"),
    "date": ("date", "year", "month", "day", "week", "week_day", "quarter"),
    "time": ("time", "hour", "minute", "second"),
    "postgres": ("search", "trigram_similar", "unaccent"),
    "pg_array": ("contains", "overlaps", "contained_by"),
    "unsafe": ("regex", "iregex"),
}
"""Category name → the ORM lookups it expands into."""

POSTGRES_CATEGORIES = frozenset({"postgres", "pg_array"})
"""Categories that need PostgreSQL and ``django.contrib.postgres``."""

POSTGRES_LOOKUPS = frozenset(
    {"search", "trigram_similar", "unaccent", "overlaps", "overlap", "contained_by"}
)
"""Lookups that exist only with ``django.contrib.postgres``."""

OPT_IN_CATEGORIES = frozenset({"unsafe"})
"""Categories that ``"__all__"`` leaves out: ask for them by name."""

BOUNDED_INTS: Mapping[str, tuple[int, int]] = {
    "year": (1, 9999),
    "month": (1, 12),
    "day": (1, 31),
    "week": (1, 53),
    "week_day": (1, 7),
    "quarter": (1, 4),
    "hour": (0, 23),
    "minute": (0, 59),
    "second": (0, 59),
}
"""Date/time part lookups: they take an integer within these bounds."""

TEXT_VALUE_LOOKUPS = frozenset({"search", "trigram_similar", "unaccent", "regex", "iregex"})
"""Lookups that take free text whatever the field's own type."""
