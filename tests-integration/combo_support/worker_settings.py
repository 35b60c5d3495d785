"""Django settings of the worker processes test_cache_brokers.py starts.

The ``redis`` cache alias and ``SECRET_KEY`` equal the test process's (tests-integration/
conftest.py), so both read and write the same entries; so does django-q2's cluster
``name`` (its signing salt), so the cluster accepts the signed jobs. ``RF_WORKER_DB`` names django-q2's SQLite file.
"""

from __future__ import annotations

import importlib.util

from combo_support.session import KEY_PREFIX
from testsupport.brokers import WORKER_LOGGING, q_cluster, worker_database, worker_queue

REDIS_URL, QUEUE = worker_queue("restflow-it-brokers")

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
DATABASES = {"default": worker_database()}
_REDIS = {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS_URL}
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "redis": {**_REDIS, "KEY_PREFIX": KEY_PREFIX},
}
# name: the test process's (django-q2 signs jobs with it); cluster_name: the queue it consumes
Q_CLUSTER = q_cluster(REDIS_URL, name="restflow-it", cluster_name=QUEUE)
LOGGING = WORKER_LOGGING
