"""Settings for the restflow example project.

SQLite file next to manage.py and a LocMem cache by default; Django's Redis cache when
``REDIS_URL`` is set. Every restflow package is installed: views, filters, caching, JWT
authentication, throttling, streaming and the OpenAPI schema (Swagger UI served offline
from drf-spectacular-sidecar's static files).

Environment: ``DJANGO_DEBUG`` (default on; ``0``/``false``/``no``/``off`` turn it off),
``DJANGO_SECRET_KEY``, ``DJANGO_ALLOWED_HOSTS`` (comma-separated, added to
localhost/127.0.0.1), ``RESTFLOW_EXAMPLE_DB`` (SQLite file to use instead of
``docs/example/db.sqlite3``), ``REDIS_URL`` (use Redis for the cache and the throttle
counters; the JWT blacklist is in the database), ``JWT_SIGNING_KEY`` (HMAC key of the tokens, >= 32 bytes),
``RESTFLOW_EXAMPLE_CACHE_PREFIX`` (key prefix on Redis, default ``restflow-example``; the
``default`` and ``security`` caches add their alias to it),
``RESTFLOW_EXAMPLE_THROTTLE_RATE`` (rate of the throttled endpoint, default ``10/min``),
``RESTFLOW_EXAMPLE_NUM_PROXIES`` (reverse proxies in front of the server, default ``0``),
``RESTFLOW_EXAMPLE_CARRIER_URL`` (the shipping carrier's quote endpoint; unset: the
stand-in carrier, in-process), ``RESTFLOW_EXAMPLE_CARRIER_TIMEOUT`` (seconds, default
``3``), ``RESTFLOW_EXAMPLE_CARRIER_FAILURES`` (failures within a minute that open the
circuit breaker, default ``5``), ``RESTFLOW_EXAMPLE_CARRIER_RESET_AFTER`` (seconds the
breaker stays open, default ``30``).

Client addresses: the throttles count anonymous clients by address, and DRF reads it from
``X-Forwarded-For`` unless ``NUM_PROXIES`` says how many proxies append to that header.
Served directly, no proxy appends anything, so the header is whatever the client wrote:
``NUM_PROXIES = 0`` ignores it and counts ``REMOTE_ADDR`` (the peer of the connection).
Behind N proxies that each append the address they saw, set
``RESTFLOW_EXAMPLE_NUM_PROXIES=N``: the address N entries from the end is the client's.
"""

from __future__ import annotations

import math
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent  # docs/example/

DEBUG = os.environ.get("DJANGO_DEBUG", "1").strip().lower() not in {"0", "false", "no", "off", ""}
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "restflow-example-not-a-secret")
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"] + [
    host.strip() for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if host.strip()
]

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.staticfiles",
    "rest_framework",
    "restflow.core",
    "restflow.caching",
    "restflow.authentication",
    "restflow.throttling",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "restflow.spectacular",
    "catalog",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]

ROOT_URLCONF = "example.urls"
ASGI_APPLICATION = "example.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("RESTFLOW_EXAMPLE_DB") or BASE_DIR / "db.sqlite3",
    }
}

# Two caches: "default" for cached responses and results, whose keys clients choose (every
# query string is a new entry, and a full cache evicts), and "security" for the throttle
# counters, which client traffic must not be able to push out. In production "security"
# is a Redis of its own with maxmemory-policy noeviction; the JWT blacklist needs neither:
# it is in the database (restflow-jwt's default).
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
_PREFIX = os.environ.get("RESTFLOW_EXAMPLE_CACHE_PREFIX", "restflow-example")
if REDIS_URL:
    CACHES = {
        alias: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"{_PREFIX}:{alias}",
        }
        for alias in ("default", "security")
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "security": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "security",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        },
    }
    # one process serves the example without Redis: per-process throttle counters are what
    # we want here (restflow_authentication.W004 says so for the login throttle outside DEBUG)
    SILENCED_SYSTEM_CHECKS = ["restflow_authentication.W004"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en-us"
STATIC_URL = "static/"


def _whole(name: str, default: int, minimum: int = 0) -> int:
    value = os.environ.get(name, "").strip() or str(default)
    if not (value.isascii() and value.isdigit()) or int(value) < minimum:
        raise ImproperlyConfigured(
            f"{name} must be a whole number of at least {minimum}, not {value!r}"
        )
    return int(value)


def _seconds(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip() or str(default)
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0):
        raise ImproperlyConfigured(f"{name} must be a positive number of seconds, not {value!r}")
    return seconds


def _carrier_url() -> str:
    url = os.environ.get("RESTFLOW_EXAMPLE_CARRIER_URL", "").strip()
    try:
        parts = urlsplit(url)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
    except ValueError:  # a bad port or IPv6 address
        valid = False
    if url and not (valid and url.isascii() and not parts.fragment):
        raise ImproperlyConfigured(
            f"RESTFLOW_EXAMPLE_CARRIER_URL must be an http:// or https:// URL, not {url!r}"
        )
    return url


REST_FRAMEWORK = {
    # no proxy in front: X-Forwarded-For is the client's own words, never its address
    "NUM_PROXIES": _whole("RESTFLOW_EXAMPLE_NUM_PROXIES", 0),
    "EXCEPTION_HANDLER": "restflow.exceptions.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_AUTHENTICATION_CLASSES": ["restflow.authentication.JWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["restflow.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_SCHEMA_CLASS": "restflow.spectacular.schema.RestflowAutoSchema",
    "DEFAULT_THROTTLE_RATES": {
        "top-rated": os.environ.get("RESTFLOW_EXAMPLE_THROTTLE_RATE", "10/min"),
        # the token view's login limits (restflow-jwt's defaults, spelled out)
        "jwt_login_address": "20/min",
        "jwt_login_username": "5/min",
    },
}

RESTFLOW_SETTINGS = {
    "CACHE": {"CACHE_ALIAS": "default", "DEFAULT_TTL": 300, "NAMESPACE": "example"},
    "JWT": {
        "SIGNING_KEY": os.environ.get(
            "JWT_SIGNING_KEY", "restflow-example-jwt-signing-key-not-a-secret"
        ),
        "ACCESS_TOKEN_LIFETIME": timedelta(minutes=15),
        "REFRESH_TOKEN_LIFETIME": timedelta(days=1),
        "LOGIN_THROTTLE_CACHE_ALIAS": "security",
    },
}

# The shipping carrier behind POST /api/shipping/quote/ (catalog.carrier): its quote
# endpoint ("" = the stand-in carrier, in-process: no network), how long a quote may take
# (504 past it), and the circuit breaker: FAILURES failures within a minute keep it open
# (503 + Retry-After) for RESET_AFTER seconds. The breaker's state is in the "default"
# cache: with REDIS_URL, every worker shares it.
RESTFLOW_EXAMPLE_CARRIER = {
    "URL": _carrier_url(),
    "TIMEOUT": _seconds("RESTFLOW_EXAMPLE_CARRIER_TIMEOUT", 3.0),
    "BREAKER_FAILURES": _whole("RESTFLOW_EXAMPLE_CARRIER_FAILURES", 5, minimum=1),
    "BREAKER_RESET_AFTER": _seconds("RESTFLOW_EXAMPLE_CARRIER_RESET_AFTER", 30.0),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "restflow example API",
    "DESCRIPTION": (
        "A product catalogue on restflow: filters, pagination, caching, JWT, "
        "throttling, streaming, and orders and shipping quotes on restflow.services. "
        "Log in as demo / restflow-demo at /api/auth/token/."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI's JavaScript and CSS come from drf-spectacular-sidecar: no CDN
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
