"""ASGI entry point that uvicorn serves in the HTTP part of the bench."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchproject.settings")
application = get_asgi_application()
