"""The broker dispatchers against real workers on Redis: one contract, four brokers.

Each broker's worker (``celery -P solo``, ``rq worker --with-scheduler``, django-q2's
``qcluster``, ``dramatiq`` with one process and one thread) is started once for the
module and stopped before the next one starts. What every broker must do is one test
parametrised over them; rq's extras (one job per batch, ``django_rq``, a connection
object, the retry interval) run on the rq worker. What the dispatchers put on a queue no
worker serves, and how they fail on a broker they cannot reach: test_dispatch_broker_options.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
from django.test import override_settings

from dispatchtests.brokers import (
    PATHS,
    PROJECT,
    QUEUE,
    dispatch,
    dispatcher,
    django_q_settings,
    fail_task,
    new_key,
    read,
    set_task,
)
from restflow.caching.dispatchers import Task, get_dispatcher
from testsupport.brokers import BROKERS, broker_worker, forget_queue
from testsupport.processes import wait_until
from testsupport.services import redis_url as need_redis_url

FAST_RETRIES: dict[str, dict[str, Any]] = {
    "celery": {"retry_delay": 0},
    "rq": {},
    "django_q": {},
    "dramatiq": {"min_backoff": 10, "max_backoff": 50},
}
"""Each dispatcher's options for retries without a wait."""
RETRIES_ONLY_THE_FAILED = {"celery", "django_q"}
"""Brokers whose retries carry only the failed tasks (rq and dramatiq retry the whole batch)."""


@dataclass(frozen=True)
class Worker:
    """A running worker of ``broker`` and what the tests read of it."""

    broker: str
    log: Path
    redis_url: str
    client: redis.Redis

    def dispatcher(self, **config: Any) -> Any:
        return dispatcher(self.broker, self.redis_url, **config)

    def wait_for(self, condition: Callable[[], bool], what: str) -> None:
        wait_until(condition, timeout=60, what=f"{what} ({self.broker})", log=self.log)

    def given_up(self) -> int:
        """How many batches the broker has given up on: its own record of a final failure."""
        if self.broker == "rq":
            import rq
            from rq.registry import FailedJobRegistry

            return len(FailedJobRegistry(queue=rq.Queue(QUEUE, connection=self.client)))
        if self.broker == "dramatiq":  # the dead-letter queue
            return int(self.client.zcard(f"dramatiq:{QUEUE}.XQ"))
        return self.log.read_text(errors="replace").count("gave up on 1 task(s) failed")


@pytest.fixture(scope="module")
def redis_url() -> str:
    return need_redis_url("the broker dispatchers' tests (real workers)")


@pytest.fixture(scope="module")
def client(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()
    forget_queue(redis_url, QUEUE)


@pytest.fixture(scope="module")
def q_settings(redis_url: str) -> Iterator[None]:
    with django_q_settings(redis_url):
        yield


@pytest.fixture(scope="module", params=BROKERS)
def worker(
    request: pytest.FixtureRequest,
    redis_url: str,
    client: redis.Redis,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Worker]:
    broker = str(request.param)
    if broker == "django_q":
        request.getfixturevalue("q_settings")
    folder = tmp_path_factory.mktemp(broker)
    with broker_worker(PROJECT, broker, QUEUE, redis_url, folder) as log:
        yield Worker(broker, log, redis_url, client)


# --- the contract ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", PATHS)
def test_the_worker_runs_the_dispatched_batch(path: str, worker: Worker) -> None:
    gone, made = new_key(), new_key()
    worker.client.set(gone, "cached", ex=600)
    batch = [Task("dispatchtests.tasks:redis_delete", {"key": gone}), set_task(made, path)]
    dispatch(worker.dispatcher(), batch, path)
    worker.wait_for(
        lambda: read(worker.client, made) == path and read(worker.client, gone) is None,
        "the batch",
    )


def test_the_worker_runs_an_async_task_function(worker: Worker) -> None:
    key = new_key()
    worker.dispatcher().dispatch([set_task(key, "async-fn", use_async=True)])
    worker.wait_for(lambda: read(worker.client, key) == "async-fn", "the async task")


def test_the_worker_has_django_set_up_for_the_task(worker: Worker) -> None:
    key = new_key()
    worker.dispatcher().dispatch([Task("dispatchtests.tasks:redis_set_app_label", {"key": key})])
    worker.wait_for(lambda: read(worker.client, key) == "dispatchtests", "the app label")


def test_a_failing_batch_is_retried_until_it_succeeds(worker: Worker) -> None:
    key = new_key()
    options = {"max_retries": 2, **FAST_RETRIES[worker.broker]}
    worker.dispatcher(**options).dispatch([fail_task(key, 2)])
    worker.wait_for(lambda: read(worker.client, key) == "3", "the third attempt")
    assert read(worker.client, f"{key}:attempts") == "3"


def test_a_retry_carries_what_the_broker_retries(worker: Worker) -> None:
    steady, flaky = new_key(), new_key()
    options = {"max_retries": 2, **FAST_RETRIES[worker.broker]}
    # the steady task first: when the flaky one has succeeded, its run has counted too
    worker.dispatcher(**options).dispatch([fail_task(steady, 0), fail_task(flaky, 2)])
    worker.wait_for(lambda: read(worker.client, flaky) == "3", "the third attempt")
    runs = "1" if worker.broker in RETRIES_ONLY_THE_FAILED else "3"
    assert read(worker.client, f"{steady}:attempts") == runs


def test_the_broker_gives_up_after_max_retries(worker: Worker) -> None:
    key = new_key()
    before = worker.given_up()
    options = {"max_retries": 1, **FAST_RETRIES[worker.broker]}
    worker.dispatcher(**options).dispatch([fail_task(key, 5)])
    # the broker's own record that it gave up: no further attempt can follow it
    worker.wait_for(lambda: worker.given_up() > before, "the broker to give up")
    assert read(worker.client, f"{key}:attempts") == "2"
    assert read(worker.client, key) is None


# --- rq's extras, on the rq worker -------------------------------------------------------------

on_rq = pytest.mark.parametrize("worker", ["rq"], indirect=True)


@on_rq
def test_rq_sends_a_batch_as_one_job(worker: Worker) -> None:
    import rq
    from rq.registry import FinishedJobRegistry

    finished = FinishedJobRegistry(queue=rq.Queue(QUEUE, connection=worker.client))
    gone, made = new_key(), new_key()
    worker.client.set(gone, "cached", ex=600)
    before = len(finished)
    delete = Task("dispatchtests.tasks:redis_delete", {"key": gone})
    worker.dispatcher().dispatch([delete, set_task(made, "x")])
    worker.wait_for(lambda: len(finished) == before + 1, "one finished job")
    assert (read(worker.client, made), read(worker.client, gone)) == ("x", None)


@on_rq
def test_rq_takes_a_redis_client_as_connection(worker: Worker) -> None:
    key = new_key()
    get_dispatcher("rq", {"connection": worker.client, "queue": QUEUE}).dispatch(
        [set_task(key, "via-connection")]
    )
    worker.wait_for(lambda: read(worker.client, key) == "via-connection", "the task")


@on_rq
def test_rq_waits_retry_interval_between_attempts(worker: Worker) -> None:
    key = new_key()
    worker.dispatcher(max_retries=1, retry_interval=1).dispatch([fail_task(key, 1)])
    worker.wait_for(lambda: read(worker.client, f"{key}:attempts") == "1", "the first attempt")
    started = time.monotonic()
    worker.wait_for(lambda: read(worker.client, key) == "2", "the retry (needs --with-scheduler)")
    assert time.monotonic() - started >= 0.5


@on_rq
@pytest.mark.parametrize("path", PATHS)
def test_django_rq_enqueues_on_a_queue_of_rq_queues(path: str, worker: Worker) -> None:
    key = new_key()
    with override_settings(RQ_QUEUES={QUEUE: {"URL": worker.redis_url}}):
        django_rq = get_dispatcher("django_rq", {"queue": QUEUE})
        assert django_rq.check() == []
        dispatch(django_rq, [set_task(key, path)], path)
    worker.wait_for(lambda: read(worker.client, key) == path, "the task")


@on_rq
def test_django_rq_retries_through_rq(worker: Worker) -> None:
    key = new_key()
    with override_settings(RQ_QUEUES={QUEUE: {"URL": worker.redis_url}}):
        django_rq = get_dispatcher("django_rq", {"queue": QUEUE, "max_retries": 1})
        django_rq.dispatch([fail_task(key, 1)])
    worker.wait_for(lambda: read(worker.client, key) == "2", "the retry")
