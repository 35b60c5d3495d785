"""``rq`` and ``django_rq`` against a real ``rq worker`` on Redis (started once for the module)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from django.test import override_settings

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


@pytest.fixture(scope="module")
def redis_url() -> str:
    return require_redis_url()


@pytest.fixture(scope="module")
def client(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    yield client
    delete_matching(client, f"{QUEUE}*")
    delete_matching(client, f"rq:*{QUEUE}*")


@pytest.fixture(scope="module")
def worker(
    redis_url: str, client: redis.Redis, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Path]:
    argv = [command("rq"), "worker", "--url", redis_url, "--with-scheduler", QUEUE]
    with running_worker(
        "rq", argv, "Listening on", tmp_path_factory.mktemp("rq"), worker_env()
    ) as log:
        yield log


def set_task(key: str, value: str, *, use_async: bool = False) -> Task:
    path = "dispatchtests.tasks:aredis_set" if use_async else "dispatchtests.tasks:redis_set"
    return Task(path, {"key": key, "value": value}, f"set {key}")


def fail_task(key: str, failures: int) -> Task:
    return Task("dispatchtests.tasks:redis_fail_until", {"key": key, "failures": failures})


def dispatch(dispatcher: Dispatcher, batch: list[Task], path: str) -> None:
    if path == "sync":
        dispatcher.dispatch(batch)
    else:
        asyncio.run(dispatcher.adispatch(batch))


def registry_count(redis_url: str, kind: str) -> int:
    import rq
    from rq.registry import FailedJobRegistry, FinishedJobRegistry

    queue = rq.Queue(QUEUE, connection=redis.Redis.from_url(redis_url))
    cls = FinishedJobRegistry if kind == "finished" else FailedJobRegistry
    return len(cls(queue=queue))


# --- rq --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", PATHS)
def test_rq_worker_runs_the_dispatched_task(
    path: str, redis_url: str, client: redis.Redis, worker: Path
) -> None:
    key = new_key()
    dispatch(get_dispatcher("rq", {"url": redis_url, "queue": QUEUE}), [set_task(key, path)], path)
    wait_until(lambda: read(client, key) == path)


def test_rq_worker_runs_an_async_task_function(
    redis_url: str, client: redis.Redis, worker: Path
) -> None:
    key = new_key()
    get_dispatcher("rq", {"url": redis_url, "queue": QUEUE}).dispatch(
        [set_task(key, "async-fn", use_async=True)]
    )
    wait_until(lambda: read(client, key) == "async-fn")


def test_rq_sends_a_batch_as_one_job(redis_url: str, client: redis.Redis, worker: Path) -> None:
    gone, made = new_key(), new_key()
    client.set(gone, "cached", ex=600)
    before = registry_count(redis_url, "finished")
    delete = Task("dispatchtests.tasks:redis_delete", {"key": gone})
    get_dispatcher("rq", {"url": redis_url, "queue": QUEUE}).dispatch([delete, set_task(made, "x")])
    wait_until(lambda: read(client, made) == "x" and read(client, gone) is None)
    wait_until(lambda: registry_count(redis_url, "finished") == before + 1, what="one job")


def test_rq_retries_a_failing_batch_until_it_succeeds(
    redis_url: str, client: redis.Redis, worker: Path
) -> None:
    key = new_key()
    dispatcher = get_dispatcher("rq", {"url": redis_url, "queue": QUEUE, "max_retries": 2})
    dispatcher.dispatch([fail_task(key, 2)])
    wait_until(lambda: read(client, key) == "3", what="the third attempt")
    assert read(client, f"{key}:attempts") == "3"


def test_rq_gives_up_after_max_retries_and_keeps_the_failed_job(
    redis_url: str, client: redis.Redis, worker: Path
) -> None:
    key = new_key()
    before = registry_count(redis_url, "failed")
    dispatcher = get_dispatcher("rq", {"url": redis_url, "queue": QUEUE, "max_retries": 1})
    dispatcher.dispatch([fail_task(key, 5)])
    wait_until(lambda: registry_count(redis_url, "failed") == before + 1, what="the failed job")
    assert read(client, f"{key}:attempts") == "2"
    assert read(client, key) is None


def test_rq_honours_the_queue_and_job_options(redis_url: str, client: redis.Redis) -> None:
    import rq

    other = f"{QUEUE}-unserved"
    config = {"url": redis_url, "queue": other, "job_timeout": 7, "result_ttl": 11}
    get_dispatcher("rq", config).dispatch([set_task(new_key(), "never")])
    get_dispatcher("rq", {**config, "at_front": True}).dispatch([set_task(new_key(), "first")])
    queue = rq.Queue(other, connection=client)
    try:
        jobs = queue.get_jobs()
        assert len(jobs) == 2
        assert [job.args[0][0]["kwargs"]["value"] for job in jobs] == ["first", "never"]
        assert jobs[0].timeout == 7
        assert jobs[0].result_ttl == 11
        assert jobs[0].retries_left == 3
    finally:
        queue.empty()


def test_rq_logs_an_unreachable_redis_instead_of_raising(
    caplog: pytest.LogCaptureFixture,
) -> None:
    dispatcher = get_dispatcher("rq", {"url": "redis://127.0.0.1:1/0"})
    with caplog.at_level(logging.ERROR, "restflow.caching.dispatchers"):
        dispatcher.dispatch([set_task("k", "v")])
    assert "RQDispatcher ('rq' dispatcher) could not run 1 task(s): set k" in caplog.text


# --- django_rq -------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", PATHS)
def test_django_rq_enqueues_on_a_queue_of_rq_queues(
    path: str, redis_url: str, client: redis.Redis, worker: Path
) -> None:
    key = new_key()
    with override_settings(RQ_QUEUES={QUEUE: {"URL": redis_url}}):
        dispatcher = get_dispatcher("django_rq", {"queue": QUEUE})
        assert dispatcher.check() == []
        dispatch(dispatcher, [set_task(key, path)], path)
    wait_until(lambda: read(client, key) == path)


def test_django_rq_retries_through_rq(redis_url: str, client: redis.Redis, worker: Path) -> None:
    key = new_key()
    with override_settings(RQ_QUEUES={QUEUE: {"URL": redis_url}}):
        get_dispatcher("django_rq", {"queue": QUEUE, "max_retries": 1}).dispatch(
            [fail_task(key, 1)]
        )
    wait_until(lambda: read(client, key) == "2", what="the retry")


def test_django_rq_logs_a_queue_missing_from_rq_queues(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with (
        override_settings(RQ_QUEUES={}),
        caplog.at_level(logging.ERROR, "restflow.caching.dispatchers"),
    ):
        get_dispatcher("django_rq", {"queue": "nowhere"}).dispatch([set_task("k", "v")])
    assert "DjangoRQDispatcher ('django_rq' dispatcher) could not run 1 task(s)" in caplog.text


def test_rq_takes_a_redis_client_as_connection(
    redis_url: str, client: redis.Redis, worker: Path
) -> None:
    key = new_key()
    dispatcher = get_dispatcher("rq", {"connection": client, "queue": QUEUE})
    dispatcher.dispatch([set_task(key, "via-connection")])
    wait_until(lambda: read(client, key) == "via-connection")


def test_rq_waits_retry_interval_between_attempts(
    redis_url: str, client: redis.Redis, worker: Path
) -> None:
    key = new_key()
    config = {"url": redis_url, "queue": QUEUE, "max_retries": 1, "retry_interval": 1}
    get_dispatcher("rq", config).dispatch([fail_task(key, 1)])
    wait_until(lambda: read(client, f"{key}:attempts") == "1", what="the first attempt")
    started = time.monotonic()
    wait_until(lambda: read(client, key) == "2", what="the retry (needs --with-scheduler)")
    assert time.monotonic() - started >= 0.5


def test_a_plain_rq_worker_gets_django_set_up_for_the_task(
    redis_url: str, client: redis.Redis, worker: Path
) -> None:
    key = new_key()
    task = Task("dispatchtests.tasks:redis_set_app_label", {"key": key})
    get_dispatcher("rq", {"url": redis_url, "queue": QUEUE}).dispatch([task])
    wait_until(lambda: read(client, key) == "dispatchtests")
