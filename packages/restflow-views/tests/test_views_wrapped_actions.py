"""Viewset actions wrapped by a sync decorator (``functools.wraps``) around an ``async def``.

drf-spectacular's ``extend_schema_view`` wraps an inherited action this way; the
wrapper returns the coroutine, which the async dispatch awaits.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.core.exceptions import ImproperlyConfigured
from django.test import AsyncRequestFactory
from rest_framework.decorators import action
from rest_framework.response import Response

from restflow.views import AsyncViewSet

CALLS: list[str] = []


def logged(func: Callable[..., Any]) -> Callable[..., Any]:
    """A sync wrapper, as drf-spectacular builds: calls ``func`` and returns what it returns."""

    @functools.wraps(func)
    def wrapper(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        CALLS.append(func.__name__)
        return func(self, request, *args, **kwargs)

    return wrapper


class Notes(AsyncViewSet):
    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []

    async def list(self, request: Any) -> Response:
        return Response({"notes": ["a", "b"]})

    async def retrieve(self, request: Any, pk: str) -> Response:
        return Response({"pk": pk})

    @action(detail=False, methods=["post"])
    async def archive(self, request: Any) -> Response:
        return Response({"archived": True}, status=202)


class WrappedNotes(Notes):
    list = logged(Notes.list)
    retrieve = logged(logged(Notes.retrieve))  # a chain of two wrappers
    archive = logged(Notes.archive)


def _call(view: Any, method: str, path: str, **kwargs: Any) -> Any:
    request = getattr(AsyncRequestFactory(), method)(path)
    response = async_to_sync(view)(request, **kwargs)
    return response.status_code, json.loads(response.content)


@pytest.fixture(autouse=True)
def _clear_calls() -> None:
    CALLS.clear()


def test_wrapped_list_is_accepted_and_its_coroutine_awaited() -> None:
    view = WrappedNotes.as_view({"get": "list"})
    assert _call(view, "get", "/notes/") == (200, {"notes": ["a", "b"]})
    assert CALLS == ["list"]


def test_a_chain_of_wrappers_reaching_async_def_is_accepted() -> None:
    view = WrappedNotes.as_view({"get": "retrieve"})
    assert _call(view, "get", "/notes/7/", pk="7") == (200, {"pk": "7"})
    assert CALLS == ["retrieve", "retrieve"]


def test_wrapped_extra_action_is_dispatched() -> None:
    view = WrappedNotes.as_view({"post": "archive"})
    assert _call(view, "post", "/notes/archive/") == (202, {"archived": True})
    assert CALLS == ["archive"]


def test_wrapper_of_a_sync_function_is_still_refused() -> None:
    def plain_list(self: Any, request: Any) -> Response:
        return Response([])

    class SyncWrapped(AsyncViewSet):
        list = logged(plain_list)

    with pytest.raises(ImproperlyConfigured, match=r"SyncWrapped\.list .*async def list"):
        SyncWrapped.as_view({"get": "list"})


def test_sync_wrapper_without_wrapped_is_still_refused() -> None:
    def opaque(self: Any, request: Any) -> Any:
        return Notes.list(self, request)

    class Opaque(AsyncViewSet):
        list = opaque

    with pytest.raises(ImproperlyConfigured, match=r"Opaque\.list"):
        Opaque.as_view({"get": "list"})


def test_self_referencing_wrapped_chain_is_refused_not_looped() -> None:
    def looped(self: Any, request: Any) -> Any:
        return None

    looped.__wrapped__ = looped  # type: ignore[attr-defined]

    class Looped(AsyncViewSet):
        list = looped

    with pytest.raises(ImproperlyConfigured, match=r"Looped\.list"):
        Looped.as_view({"get": "list"})
