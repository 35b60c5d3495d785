"""``AsyncGenericAPIView``, the nine async generic views, and a sync ``GenericAPIView``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from asgiref.sync import sync_to_async
from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import generics
from rest_framework.response import Response

from restflow.core import HookMode, acall_hook, hook_mode
from restflow.views.apiview import AsyncAPIView, SyncDispatchMixin
from restflow.views.helpers import ViewHelpers
from restflow.views.mixins import (
    AsyncCreateModelMixin,
    AsyncDestroyModelMixin,
    AsyncListModelMixin,
    AsyncRetrieveModelMixin,
    AsyncUpdateModelMixin,
)

__all__ = [
    "AsyncCreateAPIView",
    "AsyncDestroyAPIView",
    "AsyncGenericAPIView",
    "AsyncListAPIView",
    "AsyncListCreateAPIView",
    "AsyncRetrieveAPIView",
    "AsyncRetrieveDestroyAPIView",
    "AsyncRetrieveUpdateAPIView",
    "AsyncRetrieveUpdateDestroyAPIView",
    "AsyncUpdateAPIView",
    "GenericAPIView",
]


class _PostFetches:
    post_fetches: Sequence[Any] = ()

    def get_post_fetches(self) -> Sequence[Any]:
        """The PostFetches ``list`` and ``retrieve`` run before serializing (``post_fetches``)."""
        return self.post_fetches


class GenericAPIView(_PostFetches, SyncDispatchMixin, ViewHelpers, generics.GenericAPIView):
    """DRF's ``GenericAPIView`` with the restflow helpers (sync)."""


def _run_sync_backends(backends: list[Any], request: Any, queryset: Any, view: Any) -> Any:
    for backend in backends:
        queryset = backend.filter_queryset(request, queryset, view)
    return queryset


def _not_found(queryset: Any) -> Http404:
    model = getattr(queryset, "model", None)
    name = model._meta.object_name if model is not None else "object"
    return Http404(f"No {name} matches the given query.")


class AsyncGenericAPIView(_PostFetches, AsyncAPIView, generics.GenericAPIView):
    """DRF's ``GenericAPIView`` on the async loop: ``afilter_queryset``,
    ``apaginate_queryset`` and ``aget_object``.

    ``get_queryset`` may be sync (DRF's signature) or ``async def``. Filter
    backends with ``afilter_queryset`` are awaited; a run of sync backends
    shares one thread hop. Paginators with ``apaginate_queryset`` are awaited,
    others run in a thread.
    """

    async def _aget_queryset(self) -> Any:
        """``get_queryset()``, awaited when it is ``async def``."""
        return await acall_hook(self, "get_queryset")

    async def afilter_queryset(self, queryset: Any) -> Any:
        """Chain ``queryset`` through ``filter_backends`` in order, as DRF does."""
        backends = [backend() for backend in self.filter_backends]
        position = 0
        while position < len(backends):
            backend = backends[position]
            if hook_mode(backend, "filter_queryset") is not HookMode.THREAD:
                queryset = await acall_hook(
                    backend, "filter_queryset", self.request, queryset, self
                )
                position += 1
                continue
            end = position
            while end < len(backends) and hook_mode(backends[end], "filter_queryset") is (
                HookMode.THREAD
            ):
                end += 1
            queryset = await sync_to_async(_run_sync_backends, thread_sensitive=True)(
                backends[position:end], self.request, queryset, self
            )
            position = end
        return queryset

    def _lookup(self) -> dict[str, Any]:
        lookup_url_kwarg = self.lookup_url_kwarg or self.lookup_field
        if lookup_url_kwarg not in self.kwargs:
            raise ImproperlyConfigured(
                f"{type(self).__qualname__} was routed without the URL keyword argument "
                f"{lookup_url_kwarg!r}: fix the URLconf or set lookup_field/lookup_url_kwarg."
            )
        return {self.lookup_field: self.kwargs[lookup_url_kwarg]}

    async def aget_object(self) -> Any:
        """The object the URL names: ``aget`` on the filtered queryset, then object permissions.

        A missing row or a lookup value the field rejects (``/products/abc/``
        on an integer key) is a 404.
        """
        queryset = await acall_hook(self, "filter_queryset", await self._aget_queryset())
        lookup = self._lookup()
        aget = getattr(queryset, "aget", None)  # a QuerySet or a Manager
        try:
            if aget is not None:
                obj = await aget(**lookup)
            else:
                obj = await sync_to_async(generics.get_object_or_404, thread_sensitive=True)(
                    queryset, **lookup
                )
        except (ObjectDoesNotExist, TypeError, ValueError, DjangoValidationError) as exc:
            raise _not_found(queryset) from exc
        await self.acheck_object_permissions(self.request, obj)
        return obj


class AsyncListAPIView(AsyncListModelMixin, AsyncGenericAPIView):
    """``GET``: list (filtered, paginated)."""

    async def get(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        """List the objects."""
        return await self.list(request, *args, **kwargs)


class AsyncCreateAPIView(AsyncCreateModelMixin, AsyncGenericAPIView):
    """``POST``: create."""

    async def post(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        """Create an object."""
        return await self.create(request, *args, **kwargs)


class AsyncRetrieveAPIView(AsyncRetrieveModelMixin, AsyncGenericAPIView):
    """``GET``: one object."""

    async def get(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        """Retrieve the object."""
        return await self.retrieve(request, *args, **kwargs)


class AsyncUpdateAPIView(AsyncUpdateModelMixin, AsyncGenericAPIView):
    """``PUT``/``PATCH``: update one object."""

    async def put(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        """Update the object."""
        return await self.update(request, *args, **kwargs)

    async def patch(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        """Partially update the object."""
        return await self.partial_update(request, *args, **kwargs)


class AsyncDestroyAPIView(AsyncDestroyModelMixin, AsyncGenericAPIView):
    """``DELETE``: delete one object."""

    async def delete(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        """Delete the object."""
        return await self.destroy(request, *args, **kwargs)


class AsyncListCreateAPIView(AsyncListModelMixin, AsyncCreateModelMixin, AsyncGenericAPIView):
    """``GET`` list and ``POST`` create."""

    async def get(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        """List the objects."""
        return await self.list(request, *args, **kwargs)

    async def post(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        """Create an object."""
        return await self.create(request, *args, **kwargs)


class AsyncRetrieveUpdateAPIView(
    AsyncRetrieveModelMixin, AsyncUpdateModelMixin, AsyncGenericAPIView
):
    """``GET``, ``PUT`` and ``PATCH`` on one object."""

    async def get(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        """Retrieve the object."""
        return await self.retrieve(request, *args, **kwargs)

    async def put(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        """Update the object."""
        return await self.update(request, *args, **kwargs)

    async def patch(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        """Partially update the object."""
        return await self.partial_update(request, *args, **kwargs)


class AsyncRetrieveDestroyAPIView(
    AsyncRetrieveModelMixin, AsyncDestroyModelMixin, AsyncGenericAPIView
):
    """``GET`` and ``DELETE`` on one object."""

    async def get(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        """Retrieve the object."""
        return await self.retrieve(request, *args, **kwargs)

    async def delete(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        """Delete the object."""
        return await self.destroy(request, *args, **kwargs)


class AsyncRetrieveUpdateDestroyAPIView(
    AsyncRetrieveModelMixin, AsyncUpdateModelMixin, AsyncDestroyModelMixin, AsyncGenericAPIView
):
    """``GET``, ``PUT``, ``PATCH`` and ``DELETE`` on one object."""

    async def get(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        """Retrieve the object."""
        return await self.retrieve(request, *args, **kwargs)

    async def put(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        """Update the object."""
        return await self.update(request, *args, **kwargs)

    async def patch(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        """Partially update the object."""
        return await self.partial_update(request, *args, **kwargs)

    async def delete(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        """Delete the object."""
        return await self.destroy(request, *args, **kwargs)
