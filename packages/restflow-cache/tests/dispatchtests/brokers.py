"""What the broker dispatcher tests share: this session's queue, its workers, its tasks.

The workers (``testsupport.brokers``) run with ``tests/`` on ``PYTHONPATH`` and load
``worker_settings``; the queue (django-q2's cluster) is this session's alone.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import redis
from django.test import modify_settings, override_settings

from restflow.caching.dispatchers import Task, get_dispatcher
from restflow.caching.dispatchers.base import Dispatcher
from testsupport.brokers import WorkerProject

QUEUE = f"rf-dispatch-{os.getpid()}"
PROJECT = WorkerProject(
    path=Path(__file__).resolve().parent.parent,
    settings="worker_settings",
    celery_app="dispatchtests.celery_app",
    dramatiq_broker="dispatchtests.dramatiq_setup",
)
PATHS = ["sync", "async"]


def dispatcher(broker: str, redis_url: str, **config: Any) -> Dispatcher:
    """``broker``'s dispatcher on this session's queue, with ``config`` on top."""
    on_queue: dict[str, dict[str, Any]] = {
        "celery": {"app": "dispatchtests.celery_app:app", "queue": QUEUE},
        "rq": {"url": redis_url, "queue": QUEUE},
        "django_q": {},  # the cluster of Q_CLUSTER (named QUEUE by the tests' settings)
        "dramatiq": {"broker": "dispatchtests.dramatiq_setup:broker", "queue": QUEUE},
    }
    return get_dispatcher(broker, {**on_queue[broker], **config})


def dispatch(dispatcher: Dispatcher, batch: list[Task], path: str) -> None:
    """Dispatch ``batch`` on the sync or the async path."""
    if path == "sync":
        dispatcher.dispatch(batch)
    else:
        asyncio.run(dispatcher.adispatch(batch))


def new_key() -> str:
    """A Redis key unique to this test."""
    return f"{QUEUE}:{uuid.uuid4().hex}"


def read(client: redis.Redis, key: str) -> str | None:
    """The value of ``key`` as text, or ``None``."""
    value = client.get(key)
    return None if value is None else value.decode()


def set_task(key: str, value: str, *, use_async: bool = False) -> Task:
    """SET ``key`` to ``value`` (through redis-py's asyncio client with ``use_async``)."""
    path = "dispatchtests.tasks:aredis_set" if use_async else "dispatchtests.tasks:redis_set"
    return Task(path, {"key": key, "value": value}, f"set {key}")


def fail_task(key: str, failures: int) -> Task:
    """Fail the first ``failures`` attempts (counted in ``key:attempts``), then SET ``key``."""
    return Task("dispatchtests.tasks:redis_fail_until", {"key": key, "failures": failures})


@contextmanager
def django_q_settings(redis_url: str) -> Iterator[None]:
    """django-q2 in the test process: its app, and a cluster named after this session's queue.

    django-q2 reads ``Q_CLUSTER`` once, when ``django_q.conf`` is first imported: that must
    happen in here (every test that enqueues on django-q2 uses this same cluster).
    """
    import worker_settings

    cluster = {**worker_settings.Q_CLUSTER, "name": QUEUE, "redis": redis_url}
    with (
        override_settings(Q_CLUSTER=cluster),
        modify_settings(INSTALLED_APPS={"append": "django_q"}),
    ):
        from django_q.conf import Conf

        if redis_url != Conf.REDIS:
            pytest.fail("django_q.conf was imported before these tests configured Q_CLUSTER.")
        yield
