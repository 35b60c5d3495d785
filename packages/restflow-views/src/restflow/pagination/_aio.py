"""Counting and slicing a queryset (or a plain sequence) on either path."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet


def count(queryset: Any) -> int:
    """``queryset.count()``, or ``len()`` for a plain sequence (as DRF does)."""
    try:
        return int(queryset.count())
    except (AttributeError, TypeError):
        return len(queryset)


async def acount(queryset: Any) -> int:
    """Async twin of :func:`count`: ``await queryset.acount()`` for a QuerySet."""
    if isinstance(queryset, QuerySet):
        return await queryset.acount()
    return count(queryset)


async def alist(rows: Any) -> list[Any]:
    """Evaluate a (sliced) QuerySet with the async ORM; a sequence becomes a list."""
    if isinstance(rows, QuerySet):
        return [row async for row in rows]
    return list(rows)
