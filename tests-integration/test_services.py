"""The real services and engines a combination promises: Redis cache, each broker, PostgreSQL.

Each test talks to the running server (``scripts/services.py start``); the
broker tests run the job in-process with the broker library's own worker.
"""

from __future__ import annotations

import os
import time
import uuid

import pytest
from django.core.cache import caches


@pytest.mark.requires("restflow-cache", "django-redis", "redis")
def test_django_redis_cache_round_trip() -> None:
    cache = caches["redis"]
    key = f"it-{uuid.uuid4().hex}"
    cache.set(key, {"n": 1}, timeout=30)
    assert cache.get(key) == {"n": 1}
    cache.delete(key)
    assert cache.get(key) is None


@pytest.mark.requires("restflow-cache", "django-redis", "redis")
async def test_django_redis_cache_async_round_trip() -> None:
    cache = caches["redis"]
    key = f"it-{uuid.uuid4().hex}"
    await cache.aset(key, "v", timeout=30)
    assert await cache.aget(key) == "v"
    await cache.adelete(key)


@pytest.mark.requires("restflow-cache", "rq", "django-rq", "redis")
def test_rq_job_runs_through_redis() -> None:
    from redis import Redis
    from rq import Queue, SimpleWorker

    class Worker(SimpleWorker):
        """rq's in-process worker without its command channel (the shutdown and kill
        commands other processes send; this test sends none): on quitting, redis-py 8
        waits for that channel's thread, which may be in a read of up to 60 s."""

        def subscribe(self) -> None:
            pass

    connection = Redis.from_url(os.environ["REDIS_URL"])
    queue = Queue(f"restflow-it-{uuid.uuid4().hex}", connection=connection)
    job = queue.enqueue("combo_support.tasks.add", 2, 3)
    started = time.monotonic()
    Worker([queue], connection=connection).work(burst=True)
    assert time.monotonic() - started < 30, "the burst worker did not quit once the queue was empty"
    job.refresh()
    assert job.get_status() == "finished"
    assert job.return_value() == 5
    queue.delete(delete_jobs=True)


@pytest.mark.requires("restflow-cache", "dramatiq", "redis")
def test_dramatiq_actor_runs_through_redis() -> None:
    import dramatiq
    from dramatiq.brokers.redis import RedisBroker

    broker = RedisBroker(url=os.environ["REDIS_URL"], namespace=f"restflow-it-{uuid.uuid4().hex}")
    results: list[int] = []

    @dramatiq.actor(broker=broker, queue_name="restflow-it")
    def add(a: int, b: int) -> None:
        results.append(a + b)

    worker = dramatiq.Worker(broker, worker_threads=1, worker_timeout=100)
    worker.start()
    try:
        add.send(2, 3)
        broker.join(add.queue_name, timeout=20_000)
        worker.join()
    finally:
        worker.stop()
        broker.flush_all()
        broker.close()
    assert results == [5]


@pytest.mark.requires("restflow-cache", "django-q2", "redis")
def test_django_q_task_round_trips_through_the_redis_broker() -> None:
    from django_q.brokers import get_broker
    from django_q.signing import SignedPackage
    from django_q.tasks import async_task

    broker = get_broker(list_key=f"restflow-it-{uuid.uuid4().hex}")
    task_id = async_task("combo_support.tasks.add", 2, 3, broker=broker)
    received = broker.dequeue()
    assert received, "nothing arrived through the broker"
    ack_id, payload = received[0]
    task = SignedPackage.loads(payload)
    broker.acknowledge(ack_id)
    broker.delete_queue()
    assert task["id"] == task_id
    assert task["func"] == "combo_support.tasks.add"
    assert task["args"] == (2, 3)


@pytest.mark.requires("restflow-cache", "celery", "redis")
def test_celery_task_runs_on_an_embedded_worker() -> None:
    from celery import Celery
    from celery.contrib.testing.worker import start_worker

    url = os.environ["REDIS_URL"]
    app = Celery("restflow-it", broker=url, backend=url)
    app.conf.task_default_queue = f"restflow-it-{uuid.uuid4().hex}"
    app.conf.broker_connection_retry_on_startup = True

    @app.task(name="restflow_it.add")
    def add(a: int, b: int) -> int:
        return a + b

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        assert add.delay(2, 3).get(timeout=20) == 5


@pytest.mark.requires("postgres", "psycopg")
@pytest.mark.django_db(transaction=True)
async def test_async_orm_on_postgresql() -> None:
    from django.contrib.auth.models import User
    from django.db import connection

    assert connection.vendor == "postgresql"
    await User.objects.acreate(username="it-alice")
    assert await User.objects.filter(username="it-alice").acount() == 1
