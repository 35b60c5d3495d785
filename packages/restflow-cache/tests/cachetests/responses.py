"""Call a sync or async DRF view the way a handler would, and render what it returns."""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from django.contrib.auth.models import AnonymousUser
from rest_framework.test import APIRequestFactory, force_authenticate

factory = APIRequestFactory()


def fetch(
    view_class: Any,
    url: str = "/items/1",
    user: Any = None,
    headers: dict[str, str] | None = None,
    **kwargs: Any,
) -> Any:
    """GET ``url`` through ``view_class.as_view()`` as ``user`` (anonymous by default).

    ``headers`` are WSGI-style request headers (``{"HTTP_ACCEPT": ...}``); ``kwargs``
    are the URL kwargs. An async view is awaited; the response comes back rendered.
    """
    request = factory.get(url, **(headers or {}))
    force_authenticate(request, user=user or AnonymousUser())
    response = view_class.as_view()(request, **kwargs)
    if hasattr(response, "__await__"):
        awaitable = response

        async def wait() -> Any:
            return await awaitable

        response = async_to_sync(wait)()
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    return response
