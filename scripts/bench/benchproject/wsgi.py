"""WSGI entry point that gunicorn serves (the sync DRF view of ``io_bound.py``)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchproject.settings")
application = get_wsgi_application()
