"""Django settings the dispatcher tests' worker processes load (``DJANGO_SETTINGS_MODULE``).

Redis comes from ``REDIS_URL``; the queue/cluster name from
``RF_WORKER_QUEUE`` (unique per test session, so workers of other sessions
sharing the Redis never take these jobs); django-q2's database from
``RF_WORKER_DB``. ``SECRET_KEY`` equals the test process's: django-q2 signs
its packages with it.
"""

from __future__ import annotations

import os

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
QUEUE = os.environ.get("RF_WORKER_QUEUE", "restflow-dispatch")

SECRET_KEY = "restflow-cache-tests-not-secret"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django_q",
    "dispatchtests",
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("RF_WORKER_DB", ":memory:"),
    }
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
Q_CLUSTER = {
    "name": QUEUE,
    "workers": 1,
    "recycle": 500,
    "timeout": 30,
    "retry": 60,
    "max_attempts": 1,
    "catch_up": False,
    "redis": REDIS_URL,
}
RQ_QUEUES = {QUEUE: {"URL": REDIS_URL}}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"restflow": {"handlers": ["console"], "level": "INFO"}},
}
