"""``BasePagination``: DRF's base paginator with an async surface."""

from __future__ import annotations

from typing import Any

from rest_framework import pagination
from rest_framework.request import Request
from rest_framework.response import Response

from restflow.core import acall, async_twin

__all__ = ["BasePagination"]


class BasePagination(pagination.BasePagination):
    """Subclass it and implement ``paginate_queryset`` and ``get_paginated_response``.

    ``apaginate_queryset`` and ``aget_paginated_response`` answer through them
    (one thread hop for the first, which may query; none for a method marked
    ``restflow.core.mark_loop_safe``), so async views and user code can await
    either side; override the ``a``-methods for a native async path.
    """

    @async_twin
    async def apaginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> Any:
        """Async surface of ``paginate_queryset``: the sync method in a thread."""
        return await acall(self.paginate_queryset, queryset, request, view)

    @async_twin
    async def aget_paginated_response(self, data: Any) -> Response:
        """Async surface of ``get_paginated_response``."""
        return await acall(self.get_paginated_response, data)
