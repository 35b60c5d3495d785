"""``PageNumberPagination`` with an async count and an async page slice."""

from __future__ import annotations

from typing import Any

from django.core.paginator import InvalidPage, Page
from django.core.paginator import Paginator as DjangoPaginator
from rest_framework import pagination
from rest_framework.exceptions import NotFound
from rest_framework.request import Request

from restflow.core import async_twin
from restflow.pagination._aio import acount, alist
from restflow.pagination.base import BasePagination

__all__ = ["PageNumberPagination"]


class PageNumberPagination(BasePagination, pagination.PageNumberPagination):
    """DRF's page-number pagination, with ``apaginate_queryset`` on the async ORM.

    Same answers on both paths: ``page=last``, ``page_size_query_param``,
    ``max_page_size`` and the 404 with DRF's message for an invalid page.
    """

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> Any:
        """Count, validate the page number, and return the page's rows (sync ORM)."""
        self.request = request
        page_size = self.get_page_size(request)
        if not page_size:
            return None
        page = self._select_page(self.django_paginator_class(queryset, page_size), request)
        page.object_list = list(page.object_list)
        return list(page.object_list)

    @async_twin
    async def apaginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> Any:
        """Async twin of :meth:`paginate_queryset`: ``acount()`` then the slice, both awaited."""
        self.request = request
        page_size = self.get_page_size(request)
        if not page_size:
            return None
        paginator = self.django_paginator_class(queryset, page_size)
        # Paginator.count is a cached property: fill it so nothing below counts again.
        paginator.__dict__["count"] = await acount(queryset)
        page = self._select_page(paginator, request)
        page.object_list = await alist(page.object_list)
        return list(page.object_list)

    def _select_page(self, paginator: DjangoPaginator, request: Request) -> Page:
        """The I/O-free middle of both paths (the count is known or counted lazily)."""
        page_number = self.get_page_number(request, paginator)
        try:
            page = paginator.page(page_number)
        except InvalidPage as exc:
            message = self.invalid_page_message.format(page_number=page_number, message=str(exc))
            raise NotFound(message) from exc
        self.page = page
        if paginator.num_pages > 1 and self.template is not None:
            self.display_page_controls = True
        return page
