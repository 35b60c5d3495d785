"""What the broker dispatchers put on a queue no worker serves, and a broker they cannot reach.

The messages are read back from Redis as each broker stores them (its options, queue,
priority, delay); a broker that cannot be reached is logged, never raised. The workers
themselves: test_dispatch_brokers.py.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from django.test import override_settings

from dispatchtests.brokers import QUEUE, dispatcher, django_q_settings, new_key, set_task
from restflow.caching.dispatchers import get_dispatcher
from testsupport.brokers import forget_queue
from testsupport.services import redis_url as need_redis_url

UNSERVED = f"{QUEUE}-unserved"


@pytest.fixture
def redis_url() -> str:
    return need_redis_url("the broker dispatchers' tests")


@pytest.fixture
def client(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()
    forget_queue(redis_url, UNSERVED)


def test_celery_honours_the_queue_and_priority(redis_url: str, client: redis.Redis) -> None:
    celery = dispatcher("celery", redis_url, queue=UNSERVED, priority=3, countdown=30)
    celery.dispatch([set_task(new_key(), "x")])
    # kombu keeps one Redis list per priority step: "<queue>\x06\x16<priority>"
    [raw] = client.lrange(f"{UNSERVED}\x06\x163", 0, -1)
    message = json.loads(raw)
    assert message["headers"]["task"] == "restflow.caching.run_batch"
    assert message["properties"]["priority"] == 3
    assert message["headers"]["eta"] is not None
    assert "set " in message["headers"]["argsrepr"]


def test_rq_honours_the_queue_and_job_options(redis_url: str, client: redis.Redis) -> None:
    import rq

    options = {"queue": UNSERVED, "job_timeout": 7, "result_ttl": 11}
    dispatcher("rq", redis_url, **options).dispatch([set_task(new_key(), "never")])
    dispatcher("rq", redis_url, **options, at_front=True).dispatch([set_task(new_key(), "first")])
    jobs = rq.Queue(UNSERVED, connection=client).get_jobs()
    assert len(jobs) == 2
    assert [job.args[0][0]["kwargs"]["value"] for job in jobs] == ["first", "never"]
    assert jobs[0].timeout == 7
    assert jobs[0].result_ttl == 11
    assert jobs[0].retries_left == 3


@pytest.fixture
def q_settings(redis_url: str) -> Iterator[None]:
    with django_q_settings(redis_url):
        yield


@pytest.mark.usefixtures("q_settings")
def test_django_q_honours_the_cluster_group_and_timeout(
    redis_url: str, client: redis.Redis
) -> None:
    from django_q.signing import SignedPackage

    options = {"cluster": UNSERVED, "group": "invalidations", "timeout": 9}
    dispatcher("django_q", redis_url, **options).dispatch([set_task(new_key(), "x")])
    [raw] = client.lrange(f"django_q:{UNSERVED}:q", 0, -1)
    package = SignedPackage.loads(raw)
    assert package["func"] == "restflow.caching.dispatchers.django_q.run_batch_job"
    assert package["group"] == "invalidations"
    assert package["timeout"] == 9
    assert package["args"][0][0]["kwargs"]["value"] == "x"


@pytest.mark.usefixtures("q_settings")
def test_django_q_passes_its_checks_with_the_app_and_a_cluster(redis_url: str) -> None:
    assert dispatcher("django_q", redis_url).check() == []


def test_dramatiq_honours_the_queue_delay_and_options(redis_url: str, client: redis.Redis) -> None:
    from dramatiq import Message

    dispatcher("dramatiq", redis_url, queue=UNSERVED, max_retries=4, time_limit=5000).dispatch(
        [set_task(new_key(), "x")]
    )
    dispatcher("dramatiq", redis_url, queue=UNSERVED, delay=60_000).dispatch(
        [set_task(new_key(), "later")]
    )
    [raw] = client.hvals(f"dramatiq:{UNSERVED}.msgs")
    message = Message.decode(raw)
    assert message.actor_name == "restflow_caching_run_batch"
    assert message.options["max_retries"] == 4
    assert message.options["time_limit"] == 5000
    assert message.args[0][0]["kwargs"]["value"] == "x"
    [delayed] = client.hvals(f"dramatiq:{UNSERVED}.DQ.msgs")
    assert Message.decode(delayed).options["eta"] > message.message_timestamp + 50_000


def _unreachable(name: str) -> dict[str, Any]:
    """The config of ``name``'s dispatcher on a broker nothing listens on."""
    nowhere = "redis://127.0.0.1:1/0"
    if name == "celery":
        from celery import Celery

        app = Celery("unreachable", broker=nowhere)
        app.conf.broker_connection_retry = False
        app.conf.broker_connection_max_retries = 0
        app.conf.broker_transport_options = {"max_retries": 0}
        return {"app": app}
    if name == "dramatiq":
        from dramatiq.brokers.redis import RedisBroker

        return {"broker": RedisBroker(url=nowhere)}
    if name == "django_rq":
        return {"queue": "nowhere"}  # not in RQ_QUEUES
    return {"url": nowhere}


@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("celery", "CeleryDispatcher"),
        ("rq", "RQDispatcher"),
        ("django_rq", "DjangoRQDispatcher"),
        ("dramatiq", "DramatiqDispatcher"),
    ],
)
def test_a_broker_it_cannot_reach_is_logged_not_raised(
    name: str, cls: str, caplog: pytest.LogCaptureFixture
) -> None:
    with (
        override_settings(RQ_QUEUES={}),
        caplog.at_level(logging.ERROR, "restflow.caching.dispatchers"),
    ):
        get_dispatcher(name, _unreachable(name)).dispatch([set_task("k", "v")])
    assert f"{cls} ('{name}' dispatcher) could not run 1 task(s): set k" in caplog.text
