"""The serializer and pagination helpers shared by every restflow view.

:class:`ViewHelpers` holds the getters and the sync helpers;
:class:`AsyncViewHelpers` adds their ``a``-twins. Both build on the same
I/O-free getters, so a sync view and an async view resolve the same
serializer, context and paginator for the same request.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from rest_framework.response import Response
from rest_framework.settings import api_settings

import restflow.pagination  # noqa: F401  (marks DRF's paginated responses loop-safe)
from restflow.core import acall_hook, call_hook
from restflow.pagination._aio import alist
from restflow.views import _serializer_io

__all__ = ["AsyncViewHelpers", "ViewHelpers"]


class _Unset:
    def __repr__(self) -> str:
        return "<unset>"


UNSET: Any = _Unset()
"""Marks an argument or attribute left to its default (``None`` is a value)."""

_DIRECTIONS = (None, "request", "response")


class _DefaultPaginationClass:
    """Reads ``DEFAULT_PAGINATION_CLASS`` on each access, unless a class or instance sets one.

    Third-party code that reads ``view.pagination_class`` (schema generators)
    sees the real default, and ``override_settings`` is honoured.
    """

    def __get__(self, obj: object, owner: type | None = None) -> Any:
        return api_settings.DEFAULT_PAGINATION_CLASS


class ViewHelpers:
    """Getters and sync helpers: serializer resolution, context, pagination, PostFetch."""

    serializer_class: Any = None
    request_serializer_class: Any = None
    response_serializer_class: Any = None
    # DRF's DEFAULT_PAGINATION_CLASS, read when asked (not frozen at import)
    pagination_class: Any = _DefaultPaginationClass()

    # these come from DRF's APIView
    request: Any
    format_kwarg: Any

    # -- getters ---------------------------------------------------------------

    def get_serializer_class(self) -> Any:
        """The serializer class used when no direction applies (``serializer_class``)."""
        if self.serializer_class is None:
            raise ImproperlyConfigured(
                f"{type(self).__qualname__} has no serializer_class: set the attribute or "
                "override get_serializer_class()."
            )
        return self.serializer_class

    def get_request_serializer_class(self) -> Any:
        """The class that validates input: ``request_serializer_class``, else the default."""
        if self.request_serializer_class is not None:
            return self.request_serializer_class
        return self.get_serializer_class()

    def get_response_serializer_class(self) -> Any:
        """The class that renders output: ``response_serializer_class``, else the default."""
        if self.response_serializer_class is not None:
            return self.response_serializer_class
        return self.get_serializer_class()

    def get_pagination_class(self) -> Any:
        """``pagination_class`` (DRF's ``DEFAULT_PAGINATION_CLASS`` when the view sets none)."""
        return self.pagination_class

    def get_serializer_context(self) -> dict[str, Any]:
        """DRF's serializer context: ``request``, ``format`` and ``view``."""
        return {"request": self.request, "format": self.format_kwarg, "view": self}

    def get_context(self) -> dict[str, Any]:
        """The context of every serializer the helpers build (``get_serializer_context()``)."""
        return self.get_serializer_context()

    def _serializer_class_for(self, direction: str | None) -> Any:
        if direction == "request":
            return self.get_request_serializer_class()
        if direction == "response":
            return self.get_response_serializer_class()
        if direction is None:
            return self.get_serializer_class()
        raise ValueError(f"direction must be one of {_DIRECTIONS}, got {direction!r}.")

    def get_serializer(
        self, *args: Any, serializer_class: Any = None, direction: str | None = None, **kwargs: Any
    ) -> Any:
        """Build a serializer with :meth:`get_context`.

        ``serializer_class`` picks the class explicitly; otherwise ``direction``
        (``"request"``, ``"response"`` or ``None``) chooses the getter.
        """
        if serializer_class is None:
            serializer_class = self._serializer_class_for(direction)
        kwargs.setdefault("context", self.get_context())
        return serializer_class(*args, **kwargs)

    @property
    def paginator(self) -> Any:
        """The paginator instance for this request (``None`` when pagination is off)."""
        if "_paginator" not in self.__dict__:
            pagination_class = self.get_pagination_class()
            self._paginator = None if pagination_class is None else pagination_class()
        return self._paginator

    def _paginator_for(self, pagination_class: Any) -> Any:
        if pagination_class is UNSET:
            return self.paginator
        return None if pagination_class is None else pagination_class()

    # -- sync helpers -----------------------------------------------------------

    def paginate_queryset(self, queryset: Any) -> Any:
        """One page of ``queryset``, or ``None`` when pagination is off."""
        if self.paginator is None:
            return None
        return self.paginator.paginate_queryset(queryset, self.request, view=self)

    def get_paginated_response(self, data: Any) -> Response:
        """The paginator's response for a serialized page."""
        if self.paginator is None:
            raise ImproperlyConfigured(
                f"{type(self).__qualname__}.get_paginated_response needs a pagination class."
            )
        return self.paginator.get_paginated_response(data)

    def validated_serializer(self, *args: Any, data: Any = UNSET, **kwargs: Any) -> Any:
        """A request-direction serializer on ``data`` (default ``request.data``), validated.

        Invalid input raises DRF's ``ValidationError`` (a 400 in the error envelope).
        """
        serializer = self._input_serializer(args, data, kwargs)
        serializer.is_valid(raise_exception=True)
        return serializer

    def _input_serializer(self, args: tuple[Any, ...], data: Any, kwargs: dict[str, Any]) -> Any:
        kwargs.setdefault("direction", "request")
        return self.get_serializer(
            *args, data=self.request.data if data is UNSET else data, **kwargs
        )

    def perform_post_fetches(self, objects: Any, post_fetches: Sequence[Any]) -> None:
        """Run each PostFetch's ``fetch`` on ``objects``."""
        for post_fetch in post_fetches:
            call_hook(post_fetch, "fetch", objects)

    def serialized_response(
        self,
        instance: Any,
        status: int = 200,
        many: bool = False,
        post_fetches: Sequence[Any] | None = None,
        headers: dict[str, str] | None = None,
        serializer_class: Any = None,
    ) -> Response:
        """Serialize ``instance`` (a sequence with ``many=True``) with the response class."""
        if many and isinstance(instance, QuerySet) and post_fetches:
            instance = list(instance)
        if post_fetches:
            self.perform_post_fetches(instance, post_fetches)
        serializer = self.get_serializer(
            instance, many=many, serializer_class=serializer_class, direction="response"
        )
        return Response(serializer.data, status=status, headers=headers)

    def paginated_response(
        self,
        queryset: Any,
        post_fetches: Sequence[Any] | None = None,
        pagination_class: Any = UNSET,
        serializer_class: Any = None,
    ) -> Response:
        """Paginate ``queryset`` and serialize the page; everything when pagination is off."""
        paginator = self._paginator_for(pagination_class)
        page = None
        if paginator is not None:
            if pagination_class is UNSET:
                page = self.paginate_queryset(queryset)
            else:
                page = paginator.paginate_queryset(queryset, self.request, view=self)
        if page is None:
            return self.serialized_response(
                queryset, many=True, post_fetches=post_fetches, serializer_class=serializer_class
            )
        if post_fetches:
            self.perform_post_fetches(page, post_fetches)
        data = self.get_serializer(
            page, many=True, serializer_class=serializer_class, direction="response"
        ).data
        if pagination_class is UNSET:
            return self.get_paginated_response(data)
        return paginator.get_paginated_response(data)


class AsyncViewHelpers(ViewHelpers):
    """The ``a``-twins of the helpers, for async views.

    Serializers, paginators and PostFetches are called through restflow's
    fall-back rules: their async surface when they have one, otherwise one
    thread hop; nothing touches the database on the event loop.
    """

    async def apaginate_queryset(self, queryset: Any) -> Any:
        """Async twin of ``paginate_queryset`` (awaits ``apaginate_queryset`` when defined)."""
        paginator = self.paginator
        if paginator is None:
            return None
        return await acall_hook(paginator, "paginate_queryset", queryset, self.request, self)

    async def aget_paginated_response(self, data: Any) -> Response:
        """Async twin of ``get_paginated_response``."""
        if self.paginator is None:
            return self.get_paginated_response(data)  # raises the clear error
        return await acall_hook(self.paginator, "get_paginated_response", data)

    async def avalidated_serializer(self, *args: Any, data: Any = UNSET, **kwargs: Any) -> Any:
        """Async twin of :meth:`validated_serializer` (``ais_valid`` when the serializer has it)."""
        serializer = self._input_serializer(args, data, kwargs)
        await _serializer_io.ais_valid(serializer)
        return serializer

    async def aperform_post_fetches(self, objects: Any, post_fetches: Sequence[Any]) -> None:
        """Run each PostFetch's ``afetch`` (or its sync ``fetch`` in a thread)."""
        for post_fetch in post_fetches:
            await acall_hook(post_fetch, "fetch", objects)

    async def _aserialize(
        self, instance: Any, many: bool, post_fetches: Any, serializer_class: Any
    ) -> Any:
        if many and isinstance(instance, QuerySet):
            instance = await alist(instance)
        if post_fetches:
            await self.aperform_post_fetches(instance, post_fetches)
        serializer = self.get_serializer(
            instance, many=many, serializer_class=serializer_class, direction="response"
        )
        return await _serializer_io.adata(serializer)

    async def aserialized_response(
        self,
        instance: Any,
        status: int = 200,
        many: bool = False,
        post_fetches: Sequence[Any] | None = None,
        headers: dict[str, str] | None = None,
        serializer_class: Any = None,
    ) -> Response:
        """Async twin of :meth:`serialized_response`."""
        data = await self._aserialize(instance, many, post_fetches, serializer_class)
        return Response(data, status=status, headers=headers)

    async def apaginated_response(
        self,
        queryset: Any,
        post_fetches: Sequence[Any] | None = None,
        pagination_class: Any = UNSET,
        serializer_class: Any = None,
    ) -> Response:
        """Async twin of :meth:`paginated_response` (async count and slice when offered)."""
        paginator = self._paginator_for(pagination_class)
        page = None
        if paginator is not None:
            if pagination_class is UNSET:
                page = await acall_hook(self, "paginate_queryset", queryset)
            else:
                page = await acall_hook(
                    paginator, "paginate_queryset", queryset, self.request, self
                )
        if page is None:
            return await self.aserialized_response(
                queryset, many=True, post_fetches=post_fetches, serializer_class=serializer_class
            )
        data = await self._aserialize(page, True, post_fetches, serializer_class)
        if pagination_class is UNSET:
            return await acall_hook(self, "get_paginated_response", data)
        return await acall_hook(paginator, "get_paginated_response", data)
