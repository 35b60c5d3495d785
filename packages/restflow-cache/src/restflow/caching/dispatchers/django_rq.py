"""The ``django_rq`` dispatcher: one RQ job per batch on a queue of ``RQ_QUEUES``."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core import checks

import restflow.caching.dispatchers._brokers as _brokers
from restflow.caching.dispatchers._options import Option, non_empty
from restflow.caching.dispatchers.base import Payload
from restflow.caching.dispatchers.broker import BrokerDispatcher
from restflow.caching.dispatchers.rq import RQ_JOB_OPTIONS, enqueue_batch

__all__ = ["DjangoRQDispatcher"]


class DjangoRQDispatcher(BrokerDispatcher):
    """Enqueue each batch as one RQ job on a django-rq queue.

    Config: ``queue`` (an alias of ``settings.RQ_QUEUES``, default
    ``"default"``; an unknown alias fails ``manage.py check``) and the job keys
    of ``rq``: ``job_timeout``, ``result_ttl``, ``failure_ttl``, ``at_front``,
    ``max_retries`` (default 3), ``retry_interval``. Run workers with
    ``manage.py rqworker <queue>``.
    """

    name: ClassVar[str] = "django_rq"
    requires: ClassVar[tuple[str, ...]] = ("django_rq", "rq")
    options: ClassVar[dict[str, Option]] = {
        "queue": Option(str, "default", non_empty),
        **RQ_JOB_OPTIONS,
    }

    def send(self, payload: Payload) -> None:
        queue = _brokers.require("django_rq").get_queue(self.config["queue"])
        enqueue_batch(queue, payload, self.config)

    def check_broker(self) -> list[checks.CheckMessage]:
        queues = getattr(settings, "RQ_QUEUES", None) or {}
        if self.config["queue"] not in queues:
            known = ", ".join(map(repr, sorted(queues))) or "none"
            return [
                self.error(
                    f"queue {self.config['queue']!r} is not in settings.RQ_QUEUES (defined: {known}).",
                    hint="Add it to RQ_QUEUES or set dispatcher_config={'queue': …}.",
                )
            ]
        return []
