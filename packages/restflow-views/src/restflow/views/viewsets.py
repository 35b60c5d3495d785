"""Viewsets: the async family and the sync family, both with the helpers and ``ActionConfig``.

They work with DRF's routers and ``@action`` unchanged.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import markcoroutinefunction
from django.core.exceptions import ImproperlyConfigured
from django.utils.decorators import classonlymethod
from rest_framework import viewsets

import restflow.views.mixins as mixins
from restflow.core import reaches_async
from restflow.views.action_config import ActionConfigMixin
from restflow.views.apiview import APIView, AsyncAPIView
from restflow.views.generics import AsyncGenericAPIView, GenericAPIView

__all__ = [
    "AsyncGenericViewSet",
    "AsyncModelViewSet",
    "AsyncReadOnlyModelViewSet",
    "AsyncViewSet",
    "AsyncViewSetMixin",
    "GenericViewSet",
    "ModelViewSet",
    "ReadOnlyModelViewSet",
    "ViewSet",
]


class AsyncViewSetMixin(ActionConfigMixin, viewsets.ViewSetMixin):
    """DRF's ``ViewSetMixin`` whose ``as_view`` returns a coroutine view.

    Every action bound by ``as_view`` (router actions and ``@action`` methods)
    must be ``async def``; a sync one is refused when the URL is built. A sync
    decorator's wrapper (``functools.wraps``, e.g. drf-spectacular's
    ``extend_schema_view``) is accepted when its ``__wrapped__`` chain reaches an
    ``async def``: it returns the coroutine, which dispatch awaits.
    """

    @classonlymethod
    def as_view(cls, actions: dict[str, str] | None = None, **initkwargs: Any) -> Any:  # type: ignore[override]
        """DRF's viewset ``as_view``, made awaitable by Django's handlers."""
        for method, action in (actions or {}).items():
            handler = getattr(cls, action, None)
            if handler is not None and not reaches_async(handler):
                raise ImproperlyConfigured(
                    f"{cls.__module__}.{cls.__qualname__}.{action} (routed for {method.upper()}) "
                    f"is a sync method on an async viewset: declare it 'async def {action}'."
                )
        # DRF's view function returns ``self.dispatch(...)``: here a coroutine.
        view = super().as_view(actions, **initkwargs)  # type: ignore[arg-type]
        inner = getattr(view, "__wrapped__", None)
        if inner is not None and getattr(view, "csrf_exempt", False):
            # keep csrf_exempt's flag, drop its wrapper frame (as restflow-core's as_view does)
            inner.csrf_exempt = True
            for name in ("cls", "initkwargs", "actions"):
                setattr(inner, name, getattr(view, name))
            view = inner
        return markcoroutinefunction(view)


class AsyncViewSet(AsyncViewSetMixin, AsyncAPIView):
    """An async viewset with no actions of its own: add ``async def`` actions."""


class AsyncGenericViewSet(AsyncViewSetMixin, AsyncGenericAPIView):
    """The async generic viewset: ``aget_object``, ``afilter_queryset``, … and no actions."""


class AsyncReadOnlyModelViewSet(
    mixins.AsyncRetrieveModelMixin, mixins.AsyncListModelMixin, AsyncGenericViewSet
):
    """``list`` and ``retrieve``, async."""


class AsyncModelViewSet(
    mixins.AsyncCreateModelMixin,
    mixins.AsyncRetrieveModelMixin,
    mixins.AsyncUpdateModelMixin,
    mixins.AsyncDestroyModelMixin,
    mixins.AsyncListModelMixin,
    AsyncGenericViewSet,
):
    """``list``, ``create``, ``retrieve``, ``update``, ``partial_update`` and ``destroy``, async."""


class ViewSet(ActionConfigMixin, viewsets.ViewSetMixin, APIView):
    """DRF's ``ViewSet`` (sync) with the helpers and ``action_configs``."""


class GenericViewSet(ActionConfigMixin, viewsets.ViewSetMixin, GenericAPIView):
    """DRF's ``GenericViewSet`` (sync) with the helpers and ``action_configs``."""


class ReadOnlyModelViewSet(mixins.RetrieveModelMixin, mixins.ListModelMixin, GenericViewSet):
    """DRF's ``ReadOnlyModelViewSet`` (sync) with the helpers and ``action_configs``."""


class ModelViewSet(
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    mixins.ListModelMixin,
    GenericViewSet,
):
    """DRF's ``ModelViewSet`` (sync) with the helpers and ``action_configs``."""
