"""``CursorPagination``: DRF's logic; the async path runs it in one thread hop."""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from rest_framework import pagination
from rest_framework.request import Request

__all__ = ["CursorPagination"]


class CursorPagination(pagination.CursorPagination):
    """DRF's cursor pagination; ``apaginate_queryset`` runs the sync logic in a thread."""

    async def apaginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> Any:
        """Run :meth:`paginate_queryset` (cursor decoding and the page query) in a thread."""
        return await sync_to_async(self.paginate_queryset, thread_sensitive=True)(
            queryset, request, view
        )
