"""Send one request to the sync or the async twin of a view in ``coretests.urls_hostile``."""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from django.http import HttpResponse
from django.test import AsyncClient, Client

PATHS = ["sync", "async"]  # DRF's APIView with restflow's handler; core's AsyncAPIView


def send(path: str, method: str, url: str, **kwargs: Any) -> HttpResponse:
    """One request through Django's test client: WSGI for sync views, ASGI for async ones."""
    if path == "async":
        response: HttpResponse = async_to_sync(getattr(AsyncClient(), method))(
            f"/async{url}", **kwargs
        )
        return response
    response = getattr(Client(), method)(f"/sync{url}", **kwargs)
    return response
