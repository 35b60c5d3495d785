"""Django settings of restflow-jwt's tests; also a settings module for ``django-admin``.

``DJANGO_SETTINGS_MODULE=jwt_settings PYTHONPATH=packages/restflow-jwt/tests
django-admin makemigrations restflow_authentication`` regenerates the migration.

Caches: ``default`` is LocMem; with ``REDIS_URL`` set (``python scripts/services.py
start`` then ``source .services.env``) and the ``redis`` package installed, a
``redis`` alias uses Django's own ``RedisCache`` (and, with django-redis installed, a
``django_redis`` alias uses django-redis).
"""

from __future__ import annotations

import importlib.util
import os

SIGNING_KEY = "restflow-jwt-tests-signing-key-0123456789-abcdefghijklmnopqrstuvwxyz"

DEBUG = False
SECRET_KEY = "restflow-jwt-tests-not-secret"
ALLOWED_HOSTS = ["*"]
USE_TZ = True
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}

REDIS_URL = os.environ.get("REDIS_URL")
HAS_REDIS_CLIENT = importlib.util.find_spec("redis") is not None
HAS_DJANGO_REDIS = importlib.util.find_spec("django_redis") is not None

CACHES: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}
if REDIS_URL and HAS_REDIS_CLIENT:
    CACHES["redis"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": f"rf-jwt-tests-{os.getpid()}",
    }
if REDIS_URL and HAS_DJANGO_REDIS:
    CACHES["django_redis"] = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": f"rf-jwt-tests-dr-{os.getpid()}",
    }

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "rest_framework",
    "rest_framework.authtoken",
    "restflow.core",
    "restflow.authentication",
    "jwttests",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "django.contrib.auth.backends.RemoteUserBackend",
]
ROOT_URLCONF = "jwttests.urls"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
REST_FRAMEWORK = {"EXCEPTION_HANDLER": "restflow.exceptions.exception_handler"}
RESTFLOW_SETTINGS = {"JWT": {"SIGNING_KEY": SIGNING_KEY}}
SIMPLE_JWT = {"SIGNING_KEY": SIGNING_KEY}


def as_dict() -> dict[str, object]:
    """The upper-case names above, for ``settings.configure``."""
    return {name: value for name, value in globals().items() if name.isupper()}
