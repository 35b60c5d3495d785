"""DRF callables the async views call on the event loop: they do no I/O.

Declared (``mark_loop_safe``) by :func:`declare_drf_loop_safe` when an async
view class is created (``AsyncViewHelpers.__init_subclass__``), so the
declaration is in place before any async view runs, whatever the project
imports or lists in ``INSTALLED_APPS``. Without it these calls would still be
right, only slower: each would take a thread hop.
"""

from __future__ import annotations

from rest_framework import generics, pagination

from restflow.core import mark_loop_safe

__all__ = ["declare_drf_loop_safe"]

_LOOP_SAFE = (
    # ``queryset.all()`` builds a lazy QuerySet: no query runs.
    generics.GenericAPIView.get_queryset,
    # building the body reads only what ``paginate_queryset`` stored
    pagination.PageNumberPagination.get_paginated_response,
    pagination.LimitOffsetPagination.get_paginated_response,
    pagination.CursorPagination.get_paginated_response,
)
_declared = False


def declare_drf_loop_safe() -> None:
    """Mark the callables above loop-safe (once; later calls do nothing)."""
    global _declared
    if not _declared:
        for function in _LOOP_SAFE:
            mark_loop_safe(function)
        _declared = True
