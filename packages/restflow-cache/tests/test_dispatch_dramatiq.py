"""``dramatiq`` against a real dramatiq worker on the Redis broker (started once for the module)."""

from __future__ import annotations

import asyncio
import logging
import time
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
BROKER = "dispatchtests.dramatiq_setup:broker"
FAST_RETRY = {"min_backoff": 10, "max_backoff": 50}


@pytest.fixture(scope="module")
def redis_url() -> str:
    return require_redis_url()


@pytest.fixture(scope="module")
def client(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    yield client
    delete_matching(client, f"{QUEUE}*")
    delete_matching(client, f"dramatiq:{QUEUE}*")


@pytest.fixture(scope="module")
def worker(
    redis_url: str, client: redis.Redis, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Path]:
    argv = [
        command("dramatiq"),
        "dispatchtests.dramatiq_setup",
        "--processes", "1",
        "--threads", "1",
        "--queues", QUEUE,
    ]  # fmt: skip
    with running_worker(
        "dramatiq", argv, "is ready for action", tmp_path_factory.mktemp("dramatiq"), worker_env()
    ) as log:
        yield log


def dispatcher(**config: Any) -> Dispatcher:
    return get_dispatcher("dramatiq", {"broker": BROKER, "queue": QUEUE, **config})


def set_task(key: str, value: str) -> Task:
    return Task("dispatchtests.tasks:redis_set", {"key": key, "value": value}, f"set {key}")


def fail_task(key: str, failures: int) -> Task:
    return Task("dispatchtests.tasks:redis_fail_until", {"key": key, "failures": failures})


@pytest.mark.parametrize("path", PATHS)
def test_dramatiq_worker_runs_the_dispatched_batch(
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


def test_dramatiq_worker_runs_an_async_task_function(client: redis.Redis, worker: Path) -> None:
    key = new_key()
    task = Task("dispatchtests.tasks:aredis_set", {"key": key, "value": "async-fn"})
    dispatcher().dispatch([task])
    wait_until(lambda: read(client, key) == "async-fn")


def test_dramatiq_retries_a_failing_batch_with_its_backoff(
    client: redis.Redis, worker: Path
) -> None:
    key = new_key()
    dispatcher(max_retries=2, **FAST_RETRY).dispatch([fail_task(key, 2)])
    wait_until(lambda: read(client, key) == "3", what="the third attempt")
    assert read(client, f"{key}:attempts") == "3"


def test_dramatiq_gives_up_after_max_retries(client: redis.Redis, worker: Path) -> None:
    key, marker = new_key(), new_key()
    dispatcher(max_retries=1, **FAST_RETRY).dispatch([fail_task(key, 5)])
    wait_until(lambda: read(client, f"{key}:attempts") == "2", what="the retry")
    # a later message on the same single-threaded worker, then more than max_backoff: a
    # further retry would have run by now
    dispatcher().dispatch([set_task(marker, "after")])
    wait_until(lambda: read(client, marker) == "after")
    time.sleep(0.3)
    assert read(client, f"{key}:attempts") == "2"
    assert read(client, key) is None


def test_dramatiq_honours_the_queue_delay_and_options(client: redis.Redis) -> None:
    other = f"{QUEUE}-unserved"
    dispatcher(queue=other, max_retries=4, time_limit=5000).dispatch([set_task(new_key(), "x")])
    dispatcher(queue=other, delay=60_000).dispatch([set_task(new_key(), "later")])
    from dramatiq import Message

    [raw] = client.hvals(f"dramatiq:{other}.msgs")
    message = Message.decode(raw)
    assert message.actor_name == "restflow_caching_run_batch"
    assert message.options["max_retries"] == 4
    assert message.options["time_limit"] == 5000
    assert message.args[0][0]["kwargs"]["value"] == "x"
    [delayed] = client.hvals(f"dramatiq:{other}.DQ.msgs")
    assert Message.decode(delayed).options["eta"] > message.message_timestamp + 50_000
    delete_matching(client, f"dramatiq:{other}*")


def test_dramatiq_logs_a_broker_it_cannot_reach(caplog: pytest.LogCaptureFixture) -> None:
    from dramatiq.brokers.redis import RedisBroker

    unreachable = RedisBroker(url="redis://127.0.0.1:1/0")
    with caplog.at_level(logging.ERROR, "restflow.caching.dispatchers"):
        get_dispatcher("dramatiq", {"broker": unreachable}).dispatch([set_task("k", "v")])
    assert "DramatiqDispatcher ('dramatiq' dispatcher) could not run 1 task(s)" in caplog.text


def test_a_dramatiq_worker_gets_django_set_up_for_the_task(
    client: redis.Redis, worker: Path
) -> None:
    key = new_key()
    dispatcher().dispatch([Task("dispatchtests.tasks:redis_set_app_label", {"key": key})])
    wait_until(lambda: read(client, key) == "dispatchtests")
