"""Counting and slicing a queryset (or a plain sequence) on either path."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from restflow.core import run_sync

MAX_ROW = 2**63 - 1
"""The largest ``LIMIT``/``OFFSET`` (and ``OFFSET + LIMIT``) a database takes: signed 64 bits.

SQLite answers "datatype mismatch" beyond it, PostgreSQL "bigint out of range"; a
paginator must not pass a client's page number, offset or size through unchecked.
"""


def count(queryset: Any) -> int:
    """``queryset.count()``, or ``len()`` for a plain sequence (as DRF does)."""
    try:
        return int(queryset.count())
    except (AttributeError, TypeError):
        return len(queryset)


async def acount(queryset: Any) -> int:
    """Async twin of :func:`count`: one thread hop for a QuerySet's ``COUNT``."""
    if isinstance(queryset, QuerySet):
        return await run_sync(queryset.count)
    return count(queryset)


def _evaluate(queryset: QuerySet[Any]) -> list[Any]:
    return list(queryset)


async def alist(rows: Any) -> list[Any]:
    """Evaluate a QuerySet in one thread hop; a sequence becomes a list.

    ``list()`` in a single :func:`~restflow.core.run_sync` hop fetches the
    rows and fills the queryset's result cache (``aiterator()`` would take a hop
    per chunk plus one to learn the rows are exhausted). A queryset evaluated
    before is listed from its cache, in that hop too: no query runs again.
    """
    if isinstance(rows, QuerySet):
        return await run_sync(_evaluate, rows)
    return list(rows)
