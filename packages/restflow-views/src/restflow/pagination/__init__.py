"""restflow.pagination: DRF's paginators with an async count and slice, and a count-less one.

Every class has ``paginate_queryset`` and ``apaginate_queryset`` giving the
same answers; async views await the latter.
"""

from restflow.pagination.cursor import CursorPagination
from restflow.pagination.fast import FastPageNumberPagination
from restflow.pagination.limit_offset import LimitOffsetPagination
from restflow.pagination.page_number import PageNumberPagination

__all__ = [
    "CursorPagination",
    "FastPageNumberPagination",
    "LimitOffsetPagination",
    "PageNumberPagination",
]
