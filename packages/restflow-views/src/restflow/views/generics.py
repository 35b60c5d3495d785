"""``AsyncGenericAPIView``, the nine async generic views, and a sync ``GenericAPIView``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from asgiref.sync import sync_to_async
from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import generics
from rest_framework.response import Response

from restflow.core import acall_hook, achain_hooks
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
        request = self.request
        return await achain_hooks(
            backends, "filter_queryset", queryset, lambda current: (request, current, self)
        )

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


# -- the HTTP handlers: each calls the action of the same name ----------------------


def _handler(method: str, action: str, doc: str) -> Callable[..., Any]:
    async def handler(self: Any, request: Any, *args: Any, **kwargs: Any) -> Response:
        return await getattr(self, action)(request, *args, **kwargs)

    handler.__name__ = handler.__qualname__ = method
    handler.__doc__ = doc
    return handler


_LIST = _handler("get", "list", "List the objects.")
_CREATE = _handler("post", "create", "Create an object.")
_RETRIEVE = _handler("get", "retrieve", "Retrieve the object.")
_UPDATE = _handler("put", "update", "Update the object.")
_PARTIAL_UPDATE = _handler("patch", "partial_update", "Partially update the object.")
_DESTROY = _handler("delete", "destroy", "Delete the object.")


class AsyncListAPIView(AsyncListModelMixin, AsyncGenericAPIView):
    """``GET``: list (filtered, paginated)."""

    get = _LIST


class AsyncCreateAPIView(AsyncCreateModelMixin, AsyncGenericAPIView):
    """``POST``: create."""

    post = _CREATE


class AsyncRetrieveAPIView(AsyncRetrieveModelMixin, AsyncGenericAPIView):
    """``GET``: one object."""

    get = _RETRIEVE


class AsyncUpdateAPIView(AsyncUpdateModelMixin, AsyncGenericAPIView):
    """``PUT``/``PATCH``: update one object."""

    put, patch = _UPDATE, _PARTIAL_UPDATE


class AsyncDestroyAPIView(AsyncDestroyModelMixin, AsyncGenericAPIView):
    """``DELETE``: delete one object."""

    delete = _DESTROY


class AsyncListCreateAPIView(AsyncListModelMixin, AsyncCreateModelMixin, AsyncGenericAPIView):
    """``GET`` list and ``POST`` create."""

    get, post = _LIST, _CREATE


class AsyncRetrieveUpdateAPIView(
    AsyncRetrieveModelMixin, AsyncUpdateModelMixin, AsyncGenericAPIView
):
    """``GET``, ``PUT`` and ``PATCH`` on one object."""

    get, put, patch = _RETRIEVE, _UPDATE, _PARTIAL_UPDATE


class AsyncRetrieveDestroyAPIView(
    AsyncRetrieveModelMixin, AsyncDestroyModelMixin, AsyncGenericAPIView
):
    """``GET`` and ``DELETE`` on one object."""

    get, delete = _RETRIEVE, _DESTROY


class AsyncRetrieveUpdateDestroyAPIView(
    AsyncRetrieveModelMixin, AsyncUpdateModelMixin, AsyncDestroyModelMixin, AsyncGenericAPIView
):
    """``GET``, ``PUT``, ``PATCH`` and ``DELETE`` on one object."""

    get, put, patch, delete = _RETRIEVE, _UPDATE, _PARTIAL_UPDATE, _DESTROY
