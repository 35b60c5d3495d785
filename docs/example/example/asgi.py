"""ASGI entry point: ``uvicorn --app-dir docs/example example.asgi:application``.

Static files (Swagger UI's assets from drf-spectacular-sidecar) are served by Django's
``ASGIStaticFilesHandler``, with or without ``DEBUG``: the example needs no web server
in front and nothing from a CDN.
"""

from __future__ import annotations

import os

from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "example.settings")

application = ASGIStaticFilesHandler(get_asgi_application())
