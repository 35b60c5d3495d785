"""``LimitOffsetPagination`` with an async count and an async slice."""

from __future__ import annotations

from typing import Any

from rest_framework import pagination
from rest_framework.request import Request

from restflow.core import async_twin
from restflow.pagination._aio import MAX_ROW, acount, alist
from restflow.pagination.base import BasePagination

__all__ = ["LimitOffsetPagination"]


class LimitOffsetPagination(BasePagination, pagination.LimitOffsetPagination):
    """DRF's limit/offset pagination, with ``apaginate_queryset`` on the async ORM."""

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> Any:
        """Count, then return the ``limit`` rows from ``offset`` (sync ORM)."""
        window = self._window(request)
        if window is None:
            return None
        offset, limit = window
        if not self._in_range(self.get_count(queryset), offset, limit):
            return []
        return list(queryset[offset : offset + limit])

    @async_twin
    async def apaginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> Any:
        """Async twin of :meth:`paginate_queryset`."""
        window = self._window(request)
        if window is None:
            return None
        offset, limit = window
        if not self._in_range(await acount(queryset), offset, limit):
            return []
        return await alist(queryset[offset : offset + limit])

    def _window(self, request: Request) -> tuple[int, int] | None:
        """Read ``limit`` and ``offset`` (``None``: no limit, so no pagination).

        A ``limit`` beyond what a database takes means "every row": it is cut so
        that ``offset + limit`` stays within that bound. An ``offset`` beyond it
        is past any table: an empty page, as for any offset past the count.
        """
        self.request = request
        limit = self.get_limit(request)
        if limit is None:
            return None
        offset = self.get_offset(request)
        limit = min(limit, max(MAX_ROW - offset, 1))
        self.limit, self.offset = limit, offset
        return offset, limit

    def _in_range(self, count: int, offset: int, limit: int) -> bool:
        self.count = count
        if count > limit and self.template is not None:
            self.display_page_controls = True
        return not (count == 0 or offset > count)
