"""Django settings the dispatcher tests' worker processes load (``DJANGO_SETTINGS_MODULE``).

Redis comes from ``REDIS_URL``; the queue/cluster name from
``RF_WORKER_QUEUE`` (unique per test session, so workers of other sessions
sharing the Redis never take these jobs); django-q2's database from
``RF_WORKER_DB``. ``SECRET_KEY`` equals the test process's: django-q2 signs
its packages with it.
"""

from __future__ import annotations

from testsupport.brokers import WORKER_LOGGING, q_cluster, worker_database, worker_queue

REDIS_URL, QUEUE = worker_queue("restflow-dispatch")

SECRET_KEY = "restflow-cache-tests-not-secret"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django_q",
    "dispatchtests",
]
DATABASES = {"default": worker_database()}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
Q_CLUSTER = q_cluster(REDIS_URL, name=QUEUE)
RQ_QUEUES = {QUEUE: {"URL": REDIS_URL}}
LOGGING = WORKER_LOGGING
