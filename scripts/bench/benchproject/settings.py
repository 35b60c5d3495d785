"""Settings of the bench project: as little as the views need, nothing on the request path.

* No middleware at all (``MIDDLEWARE = []``): every view pays the same
  Django handler cost and nothing else, so differences are the views' own.
* ``django.contrib.auth`` and ``contenttypes`` are installed only because DRF
  builds ``AnonymousUser`` for unauthenticated requests; no request here
  touches the database (SQLite in memory is configured but never queried).
* DRF's global defaults are left as shipped, except ``DEFAULT_RENDERER_CLASSES``
  (JSONRenderer only). Each bench view states its own authentication,
  permission and throttle classes (see ``views.py``).
"""

from __future__ import annotations

import _django  # scripts/bench is on the path of every process serving this project

DEBUG = False
SECRET_KEY = "restflow-bench-not-a-secret"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
USE_TZ = True

INSTALLED_APPS = list(_django.APPS)
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "benchproject.urls"

DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

LOGGING_CONFIG = None  # keep Django's default logging set-up off the hot path

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
