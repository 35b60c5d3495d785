"""Django settings of the worker processes test_cache_brokers.py starts.

The ``redis`` cache alias and ``SECRET_KEY`` equal the test process's (tests-integration/
conftest.py), so both read and write the same entries; so does django-q2's cluster
``name`` (its signing salt), so the cluster accepts the signed jobs. ``RF_WORKER_DB`` names django-q2's SQLite file.
"""

from __future__ import annotations

import importlib.util
import os

from combo_support.session import KEY_PREFIX

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
QUEUE = os.environ.get("RF_WORKER_QUEUE", "restflow-it-brokers")

SECRET_KEY = "restflow-integration-tests-not-secret"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "restflow.core",
    "combo_support",
]
if importlib.util.find_spec("django_q"):
    INSTALLED_APPS.append("django_q")
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("RF_WORKER_DB", ":memory:"),
    }
}
_REDIS = {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS_URL}
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "redis": {**_REDIS, "KEY_PREFIX": KEY_PREFIX},
}
Q_CLUSTER = {
    "name": "restflow-it",  # the test process's: django-q2 signs jobs with it
    "cluster_name": QUEUE,  # the queue this cluster consumes
    "workers": 1,
    "recycle": 500,
    "timeout": 30,
    "retry": 60,
    "max_attempts": 1,
    "catch_up": False,
    "redis": REDIS_URL,
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"restflow": {"handlers": ["console"], "level": "INFO"}},
}
