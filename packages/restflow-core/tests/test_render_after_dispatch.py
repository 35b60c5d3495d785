"""``response.render()`` on what an async view returned, called the way DRF's tests call it.

Outside Django's ASGI handler (a request factory and a direct call of the view) the
response is used like any DRF response: ``render()`` renders it, gives it back and
leaves nothing behind, whether the request was built for WSGI or ASGI.
"""

from __future__ import annotations

import gc
import warnings
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.test import AsyncRequestFactory, RequestFactory

from coretests import views_dispatch

pytestmark = pytest.mark.django_db(transaction=True)

FACTORIES = {"wsgi": RequestFactory, "asgi": AsyncRequestFactory}


def _call_view(kind: str) -> Any:
    request = FACTORIES[kind]().get("/broken/")
    return async_to_sync(views_dispatch.NoHeaderView.as_view())(request)


@pytest.mark.parametrize("kind", sorted(FACTORIES))
def test_render_from_sync_code_renders_and_warns_nothing(kind: str) -> None:
    response = _call_view(kind)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        response.render()
        response.render()  # a second call is harmless too
        gc.collect()
    assert [str(w.message) for w in caught] == []
    assert response.is_rendered
    assert response.status_code == 403
    assert response.content.startswith(b'{"')


@pytest.mark.parametrize("kind", sorted(FACTORIES))
async def test_render_from_async_code_without_awaiting_warns_nothing(kind: str) -> None:
    request = FACTORIES[kind]().get("/broken/")
    response = await views_dispatch.NoHeaderView.as_view()(request)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        response.render()
        gc.collect()
    assert [str(w.message) for w in caught] == []
    assert response.is_rendered
    assert response.content.startswith(b'{"')
