"""The dramatiq broker and the Celery app of test_cache_brokers.py (test process and workers).

Workers: ``dramatiq combo_support.broker_apps`` and ``celery -A combo_support.broker_apps``;
each part exists only when its library is installed.
"""

from __future__ import annotations

import importlib.util
import os

from django.apps import apps

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
QUEUE = os.environ.get("RF_WORKER_QUEUE") or f"rf-it-brokers-{os.getpid()}"
"""The queue of this session: the test process's pid, handed to its workers."""

if not apps.ready:  # in a worker; the test process has Django set up already
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "combo_support.worker_settings")
    django.setup()

if importlib.util.find_spec("dramatiq"):
    import dramatiq
    from dramatiq.brokers.redis import RedisBroker

    from restflow.caching.dispatchers.dramatiq import declare_actor

    broker = RedisBroker(url=REDIS_URL)
    dramatiq.set_broker(broker)
    declare_actor(broker, queues=[QUEUE])

if importlib.util.find_spec("celery"):
    from celery import Celery

    app = Celery(
        "restflow-it-brokers", broker=REDIS_URL, include=["restflow.caching.dispatchers.celery"]
    )
    app.conf.update(
        task_default_queue=QUEUE,
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
    )
