"""``RestflowFilterBackend``: a FilterSet in DRF's filter backend pipeline."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework.settings import api_settings

from restflow.filters.filterset import FilterSet

__all__ = ["RestflowFilterBackend"]

_PAGINATION_PARAMS = (
    "page_query_param",
    "page_size_query_param",
    "limit_query_param",
    "offset_query_param",
    "cursor_query_param",
)


class RestflowFilterBackend:
    """Filter a view's queryset with its FilterSet.

    The FilterSet comes from the view's ``get_filterset(request, queryset)``
    hook if it has one, else from ``get_filterset_class()`` or the
    ``filterset_class`` attribute; a view without one is left unfiltered.
    Works on DRF's ``GenericAPIView`` (``filter_queryset``) and on async
    views that await ``afilter_queryset``. With ``Meta.strict``, the view's
    pagination parameters and DRF's format, search and ordering parameters
    are not reported as unknown.

    It has the shape of DRF's ``BaseFilterBackend`` without importing
    ``rest_framework.filters``, which reads settings at import time.
    """

    def get_filterset_class(self, view: Any, queryset: Any = None) -> type[FilterSet] | None:
        """The view's FilterSet class, or ``None``."""
        getter = getattr(view, "get_filterset_class", None)
        filterset_class = getter() if callable(getter) else getattr(view, "filterset_class", None)
        if filterset_class is None:
            return None
        if not (isinstance(filterset_class, type) and issubclass(filterset_class, FilterSet)):
            raise TypeError(
                f"{type(view).__qualname__}.filterset_class must be a restflow FilterSet "
                f"subclass, got {filterset_class!r}."
            )
        return filterset_class

    def get_filterset(self, request: Any, queryset: Any, view: Any) -> FilterSet | None:
        """The bound FilterSet for this request, or ``None`` when the view has none."""
        hook = getattr(view, "get_filterset", None)
        if callable(hook):
            filterset: FilterSet | None = hook(request, queryset)
            return filterset
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return None
        return filterset_class(request=request, ignore=self.ignored_parameters(view))

    def ignored_parameters(self, view: Any) -> frozenset[str]:
        """Parameters other parts of the view own (pagination, format, search, ordering)."""
        names = {api_settings.URL_FORMAT_OVERRIDE, api_settings.SEARCH_PARAM}
        names.add(api_settings.ORDERING_PARAM)
        paginator = getattr(view, "paginator", None)
        for attribute in _PAGINATION_PARAMS:
            value = getattr(paginator, attribute, None)
            if isinstance(value, str):
                names.add(value)
        return frozenset(name for name in names if name)

    def filter_queryset(self, request: Any, queryset: QuerySet[Any], view: Any) -> QuerySet[Any]:
        """Filter ``queryset`` (sync views)."""
        filterset = self.get_filterset(request, queryset, view)
        return queryset if filterset is None else filterset.filter_queryset(queryset)

    async def afilter_queryset(
        self, request: Any, queryset: QuerySet[Any], view: Any
    ) -> QuerySet[Any]:
        """Filter ``queryset`` (async views); async processors and methods are awaited."""
        filterset = self.get_filterset(request, queryset, view)
        return queryset if filterset is None else await filterset.afilter_queryset(queryset)

    def get_schema_fields(self, view: Any) -> list[Any]:
        """No coreapi fields: the OpenAPI parameters come from the method below."""
        return []

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        """OpenAPI parameters for every parameter the view's FilterSet accepts."""
        try:
            filterset_class = self.get_filterset_class(view)
        except Exception:
            return []
        return [] if filterset_class is None else filterset_class.schema_parameters()
