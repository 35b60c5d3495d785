"""The serializer and pagination helpers shared by every restflow view.

:class:`ViewHelpers` holds the getters and the sync helpers;
:class:`AsyncViewHelpers` adds their ``a``-twins. Both build on the same
I/O-free getters, so a sync view and an async view resolve the same
serializer, context and paginator for the same request; ``serialized_response``
and ``paginated_response`` are each written once, as a generator of the hook
calls to make, whose sync and async surfaces are built by ``_steps.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from rest_framework.response import Response
from rest_framework.settings import api_settings

from restflow.core import acall_hook, call_hook
from restflow.views._drf import declare_drf_loop_safe
from restflow.views._serializer_io import ais_valid
from restflow.views._steps import READ, ROWS, Call, Steps, async_surface, sync_surface
from restflow.views.metadata import tolerant_metadata_class

__all__ = ["AsyncViewHelpers", "ViewHelpers"]


class _Unset:
    def __repr__(self) -> str:
        return "<unset>"


UNSET: Any = _Unset()
"""Marks an argument or attribute left to its default (``None`` is a value)."""

_DIRECTIONS = (None, "request", "response")


class _DRFDefault:
    """Reads DRF's setting ``name`` on each access (``wrap`` applied to a value that is set),
    unless a class or instance sets the attribute.

    Third-party code that reads the attribute (schema generators) sees the real default,
    and ``override_settings`` is honoured.
    """

    def __init__(self, name: str, wrap: Callable[[Any], Any] | None = None) -> None:
        self.name = name
        self.wrap = wrap

    def __get__(self, obj: object, owner: type | None = None) -> Any:
        value = getattr(api_settings, self.name)
        return value if value is None or self.wrap is None else self.wrap(value)


class ViewHelpers:
    """Getters and sync helpers: serializer resolution, context, pagination, PostFetch."""

    serializer_class: Any = None
    request_serializer_class: Any = None
    response_serializer_class: Any = None
    # DRF's DEFAULT_PAGINATION_CLASS, read when asked (not frozen at import)
    pagination_class: Any = _DRFDefault("DEFAULT_PAGINATION_CLASS")
    # DRF's DEFAULT_METADATA_CLASS, answering OPTIONS without a 500 when no serializer is set
    metadata_class: Any = _DRFDefault("DEFAULT_METADATA_CLASS", tolerant_metadata_class)

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

    # -- the I/O-free cores of both surfaces -------------------------------------

    def _data_steps(
        self, instance: Any, many: bool, post_fetches: Any, serializer_class: Any
    ) -> Steps:
        """Post-fetch, then serialize ``instance`` with the response-direction class."""
        if many and isinstance(instance, QuerySet):
            # the async path always lists it (no query on the loop); the sync one when fetching
            instance = yield ROWS, "evaluate", (instance, bool(post_fetches)), {}
        if post_fetches:
            yield self, "perform_post_fetches", (instance, post_fetches), {}
        serializer = self.get_serializer(
            instance, many=many, serializer_class=serializer_class, direction="response"
        )
        return (yield READ, "data", (serializer,), {})

    def _serialized_response(
        self,
        instance: Any,
        status: int = 200,
        many: bool = False,
        post_fetches: Sequence[Any] | None = None,
        headers: dict[str, str] | None = None,
        serializer_class: Any = None,
    ) -> Generator[Call, Any, Response]:
        """Serialize ``instance`` (a sequence with ``many=True``) with the response class."""
        data = yield from self._data_steps(instance, many, post_fetches, serializer_class)
        return Response(data, status=status, headers=headers)

    def _paginated_response(
        self,
        queryset: Any,
        post_fetches: Sequence[Any] | None = None,
        pagination_class: Any = UNSET,
        serializer_class: Any = None,
        headers: dict[str, str] | None = None,
    ) -> Generator[Call, Any, Response]:
        """Paginate ``queryset`` and serialize the page; everything when pagination is off.

        ``headers`` are added to the response (over the paginator's own, such as a
        ``Link`` header, when both set one).
        """
        paginator = self._paginator_for(pagination_class)
        # the view's own hooks for its paginator; the paginator's for an explicit class
        owner = self if pagination_class is UNSET else paginator
        page = None
        if paginator is not None:
            args = (queryset,) if owner is self else (queryset, self.request)
            kwargs = {} if owner is self else {"view": self}
            page = yield owner, "paginate_queryset", args, kwargs
        if page is None:
            unpaginated = {
                "many": True,
                "post_fetches": post_fetches,
                "serializer_class": serializer_class,
                "headers": headers,
            }
            everything: Response = yield self, "serialized_response", (queryset,), unpaginated
            return everything
        data = yield from self._data_steps(page, True, post_fetches, serializer_class)
        response: Response = yield owner, "get_paginated_response", (data,), {}
        for name, value in (headers or {}).items():
            response[name] = value
        return response

    serialized_response = sync_surface(_serialized_response)
    """``serialized_response(instance, status=200, many=False, post_fetches=None, headers=None,
    serializer_class=None)``: ``instance`` (a sequence with ``many=True``) serialized with the
    response serializer class, in a ``Response``."""
    paginated_response = sync_surface(_paginated_response)
    """``paginated_response(queryset, post_fetches=None, pagination_class=..., serializer_class=None,
    headers=None)``: the page of ``queryset``, serialized, in the paginator's response
    (``headers`` added); everything when pagination is off."""


class AsyncViewHelpers(ViewHelpers):
    """The ``a``-twins of the helpers, for async views.

    Serializers, paginators and PostFetches are called through restflow's
    fall-back rules: their async surface when they have one, otherwise one
    thread hop; nothing touches the database on the event loop.

    Creating an async view class declares the DRF callables these helpers
    call on the event loop (DRF's ``get_queryset`` and paginated responses do
    no I/O): see ``_drf.py``.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        declare_drf_loop_safe()

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
        await ais_valid(serializer)
        return serializer

    async def aperform_post_fetches(self, objects: Any, post_fetches: Sequence[Any]) -> None:
        """Run each PostFetch's ``afetch`` (or its sync ``fetch`` in a thread)."""
        for post_fetch in post_fetches:
            await acall_hook(post_fetch, "fetch", objects)

    aserialized_response = async_surface(ViewHelpers._serialized_response)
    """Async twin of ``serialized_response`` (``await serializer.adata`` when it has one)."""
    apaginated_response = async_surface(ViewHelpers._paginated_response)
    """Async twin of ``paginated_response`` (the paginator's ``apaginate_queryset``)."""
