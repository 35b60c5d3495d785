"""The ``dramatiq`` dispatcher: one message per batch, retried by dramatiq's Retries middleware.

Workers must register the actor: set the broker, then call
:func:`declare_actor` (it declares the queues the dispatchers use too)::

    dramatiq.set_broker(RedisBroker(url=...))
    declare_actor(queues=["cache-invalidation"])
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core import checks

import restflow.caching.dispatchers._brokers as _brokers
from restflow.caching.dispatchers._options import Option, at_least, non_empty
from restflow.caching.dispatchers.base import Payload, run_batch
from restflow.caching.dispatchers.broker import BrokerDispatcher, load_object

__all__ = ["ACTOR_NAME", "DramatiqDispatcher", "declare_actor"]

ACTOR_NAME = "restflow_caching_run_batch"


def declare_actor(broker: Any = None, queues: tuple[str, ...] | list[str] = ()) -> Any:
    """Register the ``restflow_caching_run_batch`` actor on ``broker`` (default: the global one).

    Idempotent. ``queues`` are declared on the broker so a worker consumes them.
    """
    dramatiq = _brokers.require("dramatiq")
    broker = broker if broker is not None else dramatiq.get_broker()
    for queue in queues:
        broker.declare_queue(queue)
    try:
        return broker.get_actor(ACTOR_NAME)
    except dramatiq.errors.ActorNotFound:
        return dramatiq.actor(run_batch, actor_name=ACTOR_NAME, broker=broker)


class DramatiqDispatcher(BrokerDispatcher):
    """Send each batch as one message to the ``restflow_caching_run_batch`` actor.

    Config: ``broker`` (a dramatiq broker or its dotted path; default the
    global broker), ``queue`` (default ``"default"``), ``max_retries``
    (default 3), ``min_backoff``/``max_backoff`` (milliseconds between
    retries, default 1000/300000), ``time_limit`` (ms), ``delay`` (ms before
    it runs). A retry re-runs the whole batch: tasks must be idempotent.
    """

    name: ClassVar[str] = "dramatiq"
    requires: ClassVar[tuple[str, ...]] = ("dramatiq",)
    options: ClassVar[dict[str, Option]] = {
        "broker": Option(object, None, nullable=True),
        "queue": Option(str, "default", non_empty),
        "max_retries": Option(int, 3, at_least(0)),
        "min_backoff": Option(int, 1000, at_least(0)),
        "max_backoff": Option(int, 300_000, at_least(0)),
        "time_limit": Option(int, None, at_least(1), nullable=True),
        "delay": Option(int, None, at_least(0), nullable=True),
    }

    def _broker(self) -> Any:
        broker = self.config["broker"]
        if broker is None:
            return _brokers.require("dramatiq").get_broker()
        return load_object(broker, "dramatiq broker")

    def send(self, payload: Payload) -> None:
        dramatiq = _brokers.require("dramatiq")
        broker = self._broker()
        queue = self.config["queue"]
        broker.declare_queue(queue)
        options = {
            key: self.config[key]
            for key in ("max_retries", "min_backoff", "max_backoff", "time_limit")
            if self.config[key] is not None
        }
        message = dramatiq.Message(
            queue_name=queue, actor_name=ACTOR_NAME, args=(payload,), kwargs={}, options=options
        )
        broker.enqueue(message, delay=self.config["delay"])

    def check_broker(self) -> list[checks.CheckMessage]:
        return self.check_loading("broker", self._broker)
