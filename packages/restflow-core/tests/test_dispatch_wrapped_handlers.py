"""Handlers wrapped by a sync ``functools.wraps`` decorator around an ``async def``.

drf-spectacular's ``extend_schema_view`` (and similar decorators) replace a
handler with a sync function that returns the original's coroutine; the
class check must see through ``__wrapped__`` and dispatch must await it.
"""

from __future__ import annotations

import functools
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import AsyncRequestFactory
from rest_framework.response import Response

from restflow.core import AsyncAPIView, reaches_async


def _sync_wrapper(func: Any) -> Any:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    return wrapper


async def _handler() -> None:
    return None


def test_reaches_async_follows_the_wrapped_chain() -> None:
    assert reaches_async(_handler)
    assert reaches_async(_sync_wrapper(_sync_wrapper(_handler)))
    assert not reaches_async(_sync_wrapper(lambda: None))
    looped = _sync_wrapper(lambda: None)
    looped.__wrapped__ = looped  # a cycle ends the walk instead of spinning
    assert not reaches_async(looped)


async def test_a_wrapped_async_handler_is_accepted_and_awaited() -> None:
    class Wrapped(AsyncAPIView):
        authentication_classes: list[Any] = []
        permission_classes: list[Any] = []

        @_sync_wrapper
        async def get(self, request: Any) -> Response:
            return Response({"wrapped": True})

    response = await Wrapped.as_view()(AsyncRequestFactory().get("/"))
    assert response.status_code == 200
    assert response.data == {"wrapped": True}


def test_a_wrapped_sync_handler_is_still_refused() -> None:
    class Sync(AsyncAPIView):
        @_sync_wrapper
        def get(self, request: Any) -> Response:
            return Response({})

    with pytest.raises(ImproperlyConfigured, match=r"Sync\.get is a sync method"):
        Sync.as_view()
