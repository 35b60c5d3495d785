"""``FastPageNumberPagination``: page numbers without ``COUNT(*)``."""

from __future__ import annotations

from typing import Any, NoReturn

from django.core.paginator import Paginator as DjangoPaginator
from django.utils.translation import gettext as _gettext
from rest_framework import pagination
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from restflow.core import async_twin, mark_loop_safe
from restflow.pagination._aio import MAX_ROW, alist
from restflow.pagination.base import BasePagination

__all__ = ["FastPageNumberPagination"]

_MESSAGES = DjangoPaginator.default_error_messages


class FastPageNumberPagination(BasePagination, pagination.PageNumberPagination):
    """Page-number pagination that never counts.

    It fetches ``page_size + 1`` rows: the extra row only tells whether a next
    page exists. The response has ``next``, ``previous`` and ``results`` but no
    ``count``; ``page=last`` cannot be answered without a count and is a 404.
    ``page_size_query_param`` and ``max_page_size`` work as in DRF.
    """

    last_page_strings: tuple[str, ...] = ()
    template = None

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> Any:
        """Return the page's rows from one ``LIMIT page_size + 1`` query (sync ORM)."""
        window = self._window(request)
        if window is None:
            return None
        start, stop = window
        return self._keep(list(queryset[start:stop]))

    @async_twin
    async def apaginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> Any:
        """Async twin of :meth:`paginate_queryset`."""
        window = self._window(request)
        if window is None:
            return None
        start, stop = window
        return self._keep(await alist(queryset[start:stop]))

    def _window(self, request: Request) -> tuple[int, int] | None:
        """Parse and check the page number: the slice to fetch, or ``None`` when unpaginated."""
        self.request = request
        self.__dict__.pop("_page_url", None)
        page_size = self.get_page_size(request)
        if not page_size:
            return None
        raw = request.query_params.get(self.page_query_param) or 1
        try:
            number = int(raw)
        except (TypeError, ValueError):
            self._not_found(raw, _MESSAGES["invalid_page"])
        if number < 1:
            self._not_found(raw, _MESSAGES["min_page"])
        self.page_size_value = page_size
        self.page_number = number
        self._raw_number = raw
        start = (number - 1) * page_size
        if start + page_size + 1 > MAX_ROW:  # beyond any table, and beyond the database's integers
            self._not_found(raw, _MESSAGES["no_results"])
        return start, start + page_size + 1

    def get_page_size(self, request: Request) -> int | None:
        """DRF's page size, at most what one query can fetch (with the extra row)."""
        page_size = super().get_page_size(request)
        return None if page_size is None else min(page_size, MAX_ROW - 1)

    def _keep(self, rows: list[Any]) -> list[Any]:
        if not rows and self.page_number > 1:
            self._not_found(self._raw_number, _MESSAGES["no_results"])
        self.has_next = len(rows) > self.page_size_value
        return rows[: self.page_size_value]

    def _not_found(self, raw: Any, reason: Any) -> NoReturn:
        message = self.invalid_page_message.format(page_number=raw, message=_gettext(reason))
        raise NotFound(message)

    @mark_loop_safe
    def get_paginated_response(self, data: Any) -> Response:
        """``{"next", "previous", "results"}``: no ``count``."""
        return Response(
            {"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data}
        )

    def _url(self) -> str:
        url = self.__dict__.get("_page_url")
        if url is None:
            assert self.request is not None  # set by paginate_queryset
            url = self._page_url = self.request.build_absolute_uri()
        return url

    def get_next_link(self) -> str | None:
        """The URL of the next page, when the extra row was there."""
        if not self.has_next:
            return None
        url = self._url()
        return replace_query_param(url, self.page_query_param, self.page_number + 1)

    def get_previous_link(self) -> str | None:
        """The URL of the previous page (none on page 1)."""
        if self.page_number <= 1:
            return None
        url = self._url()
        if self.page_number == 2:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, self.page_number - 1)

    def get_paginated_response_schema(self, schema: Any) -> dict[str, Any]:
        """The count-less response shape, for schema generators."""
        example = f"http://api.example.org/accounts/?{self.page_query_param}="
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "next": {**link, "example": example + "4"},
                "previous": {**link, "example": example + "2"},
                "results": schema,
            },
        }
