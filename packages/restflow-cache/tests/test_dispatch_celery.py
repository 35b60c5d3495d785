"""``celery`` against a real Celery worker on Redis (``-P solo``, started once for the module)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from dispatchtests.workers import (
    QUEUE,
    command,
    delete_matching,
    new_key,
    read,
    require_redis_url,
    running_worker,
    wait_until,
    worker_env,
)
from restflow.caching.dispatchers import Task, get_dispatcher
from restflow.caching.dispatchers.base import Dispatcher

PATHS = ["sync", "async"]
APP = "dispatchtests.celery_app:app"


@pytest.fixture(scope="module")
def redis_url() -> str:
    return require_redis_url()


@pytest.fixture(scope="module")
def client(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    yield client
    delete_matching(client, f"{QUEUE}*")


@pytest.fixture(scope="module")
def worker(
    redis_url: str, client: redis.Redis, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Path]:
    argv = [
        command("celery"), "-A", "dispatchtests.celery_app", "worker",
        "-P", "solo", "-c", "1", "-Q", QUEUE, "-l", "INFO",
        "--without-heartbeat", "--without-mingle", "--without-gossip",
        "-n", f"{QUEUE}@%h",
    ]  # fmt: skip
    with running_worker(
        "celery", argv, "ready.", tmp_path_factory.mktemp("celery"), worker_env()
    ) as log:
        yield log


def dispatcher(**config: Any) -> Dispatcher:
    return get_dispatcher("celery", {"app": APP, "queue": QUEUE, **config})


def set_task(key: str, value: str) -> Task:
    return Task("dispatchtests.tasks:redis_set", {"key": key, "value": value}, f"set {key}")


def fail_task(key: str, failures: int) -> Task:
    return Task("dispatchtests.tasks:redis_fail_until", {"key": key, "failures": failures})


@pytest.mark.parametrize("path", PATHS)
def test_celery_worker_runs_the_dispatched_batch(
    path: str, client: redis.Redis, worker: Path
) -> None:
    gone, made = new_key(), new_key()
    client.set(gone, "cached", ex=600)
    batch = [Task("dispatchtests.tasks:redis_delete", {"key": gone}), set_task(made, path)]
    if path == "sync":
        dispatcher().dispatch(batch)
    else:
        asyncio.run(dispatcher().adispatch(batch))
    wait_until(lambda: read(client, made) == path and read(client, gone) is None)


def test_celery_worker_runs_an_async_task_function(client: redis.Redis, worker: Path) -> None:
    key = new_key()
    dispatcher().dispatch([Task("dispatchtests.tasks:aredis_set", {"key": key, "value": "a"})])
    wait_until(lambda: read(client, key) == "a")


def test_celery_retries_only_the_failed_tasks(client: redis.Redis, worker: Path) -> None:
    flaky, steady = new_key(), new_key()
    counter = Task("dispatchtests.tasks:redis_fail_until", {"key": steady, "failures": 0})
    dispatcher(max_retries=2, retry_delay=0).dispatch([fail_task(flaky, 2), counter])
    wait_until(lambda: read(client, flaky) == "3", what="the third attempt")
    assert read(client, f"{steady}:attempts") == "1"  # the task that succeeded ran once


def test_celery_gives_up_after_max_retries(client: redis.Redis, worker: Path) -> None:
    key, marker = new_key(), new_key()
    dispatcher(max_retries=1, retry_delay=0).dispatch([fail_task(key, 5)])
    wait_until(lambda: read(client, f"{key}:attempts") == "2", what="the retry")
    dispatcher().dispatch([set_task(marker, "after")])
    wait_until(lambda: read(client, marker) == "after")
    assert read(client, f"{key}:attempts") == "2"
    assert read(client, key) is None
    wait_until(
        lambda: "gave up on 1 task(s) failed" in worker.read_text(errors="replace"),
        what="the worker to log giving up",
    )


def test_celery_honours_the_queue_and_priority(redis_url: str, client: redis.Redis) -> None:
    import json

    other = f"{QUEUE}-unserved"
    dispatcher(queue=other, priority=3, countdown=30).dispatch([set_task(new_key(), "x")])
    try:
        # kombu keeps one Redis list per priority step: "<queue>\x06\x16<priority>"
        [raw] = client.lrange(f"{other}\x06\x163", 0, -1)
        message = json.loads(raw)
        assert message["headers"]["task"] == "restflow.caching.run_batch"
        assert message["properties"]["priority"] == 3
        assert message["headers"]["eta"] is not None
        assert "set " in message["headers"]["argsrepr"]
    finally:
        delete_matching(client, f"*{other}*")


def test_celery_logs_a_broker_it_cannot_reach(caplog: pytest.LogCaptureFixture) -> None:
    from celery import Celery

    app = Celery("unreachable", broker="redis://127.0.0.1:1/0")
    app.conf.broker_connection_retry = False
    app.conf.broker_connection_max_retries = 0
    app.conf.broker_transport_options = {"max_retries": 0}
    with caplog.at_level(logging.ERROR, "restflow.caching.dispatchers"):
        get_dispatcher("celery", {"app": app}).dispatch([set_task("k", "v")])
    assert "CeleryDispatcher ('celery' dispatcher) could not run 1 task(s)" in caplog.text
