"""The Celery app of the celery worker the tests start (``celery -A dispatchtests.celery_app``)."""

from __future__ import annotations

import os

import django
from celery import Celery
from django.apps import apps

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "worker_settings")
if not apps.ready:  # in the worker; the test process has Django set up already
    django.setup()

app = Celery(
    "restflow-dispatchtests",
    broker=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
    include=["restflow.caching.dispatchers.celery"],
)
app.conf.update(
    task_default_queue=os.environ.get("RF_WORKER_QUEUE", "restflow-dispatch"),
    broker_connection_retry_on_startup=True,
    worker_hijack_root_logger=False,
    task_acks_late=False,
)
