"""Settings of the hostile suite's own project (served by uvicorn, ``DEBUG`` off).

RS256 tokens with an issuer and an audience, rotating refresh tokens, Django's usual
synchronous middleware (sessions, locale, common, CSRF, auth, clickjacking), LocMem.

Environment: ``HOSTILE_DB`` (SQLite file), ``HOSTILE_JWT_PRIVATE_KEY`` (PEM),
``HOSTILE_ACCESS_SECONDS`` / ``HOSTILE_REFRESH_SECONDS`` (token lifetimes, default 300),
``HOSTILE_LEEWAY`` (seconds, default 0), ``HOSTILE_BLACKLIST_BACKEND`` (dotted path; unset:
restflow-jwt's default backend), ``HOSTILE_SLOW_SECONDS`` (how long ``/slow/`` blocks).
"""

from __future__ import annotations

import os
from datetime import timedelta

DEBUG = False
SECRET_KEY = "hostile-suite-not-a-secret"
ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
USE_TZ = True
USE_I18N = True
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "French"), ("de", "German")]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
ROOT_URLCONF = "hostile_project.urls"

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "rest_framework",
    "restflow.core",
    "restflow.caching",
    "restflow.authentication",
    "restflow.throttling",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("HOSTILE_DB", ":memory:"),
    }
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# one process: a per-process blacklist is what this project wants
SILENCED_SYSTEM_CHECKS = ["restflow_authentication.W001"]

REST_FRAMEWORK = {
    "EXCEPTION_HANDLER": "restflow.exceptions.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_AUTHENTICATION_CLASSES": ["restflow.authentication.JWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["restflow.permissions.AllowAny"],
    "NUM_PROXIES": 0,
}

_JWT = {
    "ALGORITHM": "RS256",
    "SIGNING_KEY": os.environ.get("HOSTILE_JWT_PRIVATE_KEY", ""),
    "ISSUER": "hostile-issuer",
    "AUDIENCE": "hostile-api",
    "ACCESS_TOKEN_LIFETIME": timedelta(seconds=int(os.environ.get("HOSTILE_ACCESS_SECONDS", 300))),
    "REFRESH_TOKEN_LIFETIME": timedelta(
        seconds=int(os.environ.get("HOSTILE_REFRESH_SECONDS", 300))
    ),
    "LEEWAY": int(os.environ.get("HOSTILE_LEEWAY", 0)),
    "ROTATE_REFRESH_TOKENS": True,
}
if os.environ.get("HOSTILE_BLACKLIST_BACKEND"):
    _JWT["BLACKLIST_BACKEND"] = os.environ["HOSTILE_BLACKLIST_BACKEND"]
RESTFLOW_SETTINGS = {"JWT": _JWT, "CACHE": {"NAMESPACE": "hostile"}}

SLOW_SECONDS = float(os.environ.get("HOSTILE_SLOW_SECONDS", 2))
