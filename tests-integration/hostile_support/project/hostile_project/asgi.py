"""ASGI entry point: ``uvicorn --app-dir <project> hostile_project.asgi:application``."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hostile_project.settings")

application = get_asgi_application()
