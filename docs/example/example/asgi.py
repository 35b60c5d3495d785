"""ASGI entry point: ``uvicorn --app-dir docs/example example.asgi:application``.

Static files (Swagger UI's assets from drf-spectacular-sidecar) are served by Django's
``ASGIStaticFilesHandler``, with or without ``DEBUG``: the example needs no web server
in front and nothing from a CDN.

That handler turns only a missing file (``Http404``) into Django's error response; a path
that climbs out of the static directories (``/static/..%2f..%2fsettings.py``) raises
``SuspiciousFileOperation`` past it, and the ASGI server answers its own plain-text 500.
``StaticFilesHandler`` below answers it like any ``SuspiciousOperation``: a 400 from
``handler400``, in the error envelope.
"""

from __future__ import annotations

import os
from typing import Any

from asgiref.sync import sync_to_async
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.core.asgi import get_asgi_application
from django.core.exceptions import SuspiciousOperation
from django.core.handlers.exception import response_for_exception

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "example.settings")


class StaticFilesHandler(ASGIStaticFilesHandler):
    """Django's static files handler, with a suspicious path answered by ``handler400``."""

    async def get_response_async(self, request: Any) -> Any:
        try:
            return await super().get_response_async(request)
        except SuspiciousOperation as exc:
            return await sync_to_async(response_for_exception, thread_sensitive=False)(request, exc)


application = StaticFilesHandler(get_asgi_application())
