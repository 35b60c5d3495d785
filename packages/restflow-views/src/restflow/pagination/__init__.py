"""restflow.pagination: DRF's paginators with an async count and slice, and a count-less one.

Every class has ``paginate_queryset`` and ``apaginate_queryset`` giving the
same answers; async views await the latter.
"""

from rest_framework import pagination as _drf

from restflow.core import mark_loop_safe as _mark_loop_safe
from restflow.pagination.cursor import CursorPagination
from restflow.pagination.fast import FastPageNumberPagination
from restflow.pagination.limit_offset import LimitOffsetPagination
from restflow.pagination.page_number import PageNumberPagination

# Building the response body reads only what paginate_queryset stored: no I/O.
for _cls in (_drf.PageNumberPagination, _drf.LimitOffsetPagination, _drf.CursorPagination):
    _mark_loop_safe(_cls.get_paginated_response)

__all__ = [
    "CursorPagination",
    "FastPageNumberPagination",
    "LimitOffsetPagination",
    "PageNumberPagination",
]
