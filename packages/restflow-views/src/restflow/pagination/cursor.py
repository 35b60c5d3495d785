"""``CursorPagination``: DRF's logic; the async path runs it in one thread hop."""

from __future__ import annotations

from rest_framework import pagination

from restflow.pagination.base import BasePagination

__all__ = ["CursorPagination"]


class CursorPagination(BasePagination, pagination.CursorPagination):
    """DRF's cursor pagination; ``apaginate_queryset`` runs the sync logic (cursor decoding
    and the page query) in one thread hop, as :class:`BasePagination` does."""
