"""The ``rq`` dispatcher: one RQ job per batch on a Redis URL, retried by RQ."""

from __future__ import annotations

import threading
from typing import Any, ClassVar

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

import restflow.caching.dispatchers._brokers as _brokers
from restflow.caching.dispatchers._options import Option, at_least, non_empty
from restflow.caching.dispatchers.base import Payload, Task, run_batch
from restflow.caching.dispatchers.broker import BrokerDispatcher, load_object

__all__ = ["RQ_JOB_OPTIONS", "RQDispatcher", "enqueue_batch"]

RQ_JOB_OPTIONS: dict[str, Option] = {
    "job_timeout": Option(int, None, at_least(1), nullable=True),
    "result_ttl": Option(int, None, at_least(-1), nullable=True),
    "failure_ttl": Option(int, None, at_least(-1), nullable=True),
    "at_front": Option(bool, False),
    "max_retries": Option(int, 3, at_least(0)),
    "retry_interval": Option(int, 0, at_least(0)),
}
"""Job keys shared by ``rq`` and ``django_rq``."""


def enqueue_batch(queue: Any, payload: Payload, config: dict[str, Any]) -> Any:
    """Enqueue ``run_batch(payload)`` on an rq ``queue`` with the job options of ``config``."""
    rq = _brokers.require("rq")
    retry = None
    if config["max_retries"]:
        # rq retries a failed job as a whole (tasks must be idempotent);
        # an interval needs a worker started with --with-scheduler
        retry = rq.Retry(max=config["max_retries"], interval=config["retry_interval"])
    return queue.enqueue(
        run_batch,
        payload,
        retry=retry,
        job_timeout=config["job_timeout"],
        result_ttl=config["result_ttl"],
        failure_ttl=config["failure_ttl"],
        at_front=config["at_front"],
        description=", ".join(str(Task.from_payload(item)) for item in payload)[:200],
    )


class RQDispatcher(BrokerDispatcher):
    """Enqueue each batch as one RQ job on ``queue`` at the Redis ``url``.

    Config: ``url`` (``redis://…``) or ``connection`` (a redis-py client or its
    dotted path; exactly one of the two), ``queue`` (default
    ``"default"``), ``job_timeout``, ``result_ttl``, ``failure_ttl``,
    ``at_front`` (jump the queue), ``max_retries`` (default 3) and
    ``retry_interval`` (seconds; non-zero needs ``rq worker --with-scheduler``).
    Use ``django_rq`` to take queues from ``RQ_QUEUES`` instead.
    """

    name: ClassVar[str] = "rq"
    requires: ClassVar[tuple[str, ...]] = ("rq", "redis")
    options: ClassVar[dict[str, Option]] = {
        "url": Option(str, None, non_empty, nullable=True),
        "connection": Option(object, None, nullable=True),
        "queue": Option(str, "default", non_empty),
        **RQ_JOB_OPTIONS,
    }

    def __init__(self, **config: Any) -> None:
        super().__init__(**config)
        if (self.config["url"] is None) == (self.config["connection"] is None):
            raise ImproperlyConfigured(
                f"{self._owner()}: give exactly one of config 'url' (redis://…) and "
                "'connection' (a redis-py client or its dotted path)."
            )
        self._queue: Any = None
        self._lock = threading.Lock()

    def queue(self) -> Any:
        """The rq ``Queue`` (built once; redis-py's connection pool is thread-safe)."""
        if self._queue is None:
            with self._lock:
                if self._queue is None:
                    rq = _brokers.require("rq")
                    connection = self._connection()
                    self._queue = rq.Queue(self.config["queue"], connection=connection)
        return self._queue

    def _connection(self) -> Any:
        if self.config["url"] is not None:
            return _brokers.require("redis").Redis.from_url(self.config["url"])
        return load_object(self.config["connection"], "Redis connection")

    def send(self, payload: Payload) -> None:
        enqueue_batch(self.queue(), payload, self.config)

    def check_broker(self) -> list[checks.CheckMessage]:
        return self.check_loading("connection", self._connection)
