"""restflow.pagination: DRF's paginators with an async count and slice, and a count-less one.

Every class has ``paginate_queryset`` and ``apaginate_queryset`` giving the
same answers; async views await the latter. A subclass that overrides only the
sync method gets it on the async path too (one thread hop); ``BasePagination``
is the base for a paginator of one's own.
"""

from restflow.pagination.base import BasePagination
from restflow.pagination.cursor import CursorPagination
from restflow.pagination.fast import FastPageNumberPagination
from restflow.pagination.limit_offset import LimitOffsetPagination
from restflow.pagination.page_number import PageNumberPagination

__all__ = [
    "BasePagination",
    "CursorPagination",
    "FastPageNumberPagination",
    "LimitOffsetPagination",
    "PageNumberPagination",
]
