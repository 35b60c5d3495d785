"""The ``django_q`` dispatcher (django-q2): one task per batch, re-enqueued on failure.

django-q2 re-delivers a failed task only on brokers that acknowledge (not on
Redis), so the job retries by itself: when tasks fail it enqueues a new job
carrying only the failed ones, up to ``max_retries`` times, and then raises so
the cluster records the failure.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core import checks

import restflow.caching.dispatchers._brokers as _brokers
from restflow.caching.dispatchers._options import Option, at_least, non_empty
from restflow.caching.dispatchers.base import BatchError, Payload, Task, logger, run_batch
from restflow.caching.dispatchers.broker import BrokerDispatcher

__all__ = ["JOB_PATH", "DjangoQDispatcher", "run_batch_job"]

JOB_PATH = "restflow.caching.dispatchers.django_q.run_batch_job"


def _enqueue(payload: Payload, attempt: int, max_retries: int, q_options: dict[str, Any]) -> None:
    name = ", ".join(str(Task.from_payload(item)) for item in payload)[:100]
    _brokers.require("django_q.tasks").async_task(
        JOB_PATH,
        payload,
        attempt,
        max_retries,
        q_options,
        q_options={"task_name": f"restflow: {name}", **q_options},
    )


def run_batch_job(
    payload: Payload, attempt: int, max_retries: int, q_options: dict[str, Any]
) -> None:
    """The django-q job: run the batch; re-enqueue the failed tasks while retries remain."""
    try:
        run_batch(payload)
    except BatchError as error:
        if attempt < max_retries:
            logger.warning("restflow retries %s (retry %d of %d)", error, attempt + 1, max_retries)
            _enqueue(error.failed, attempt + 1, max_retries, q_options)
        else:
            logger.error("restflow gave up on %s after %d retries", error, max_retries)
        raise


class DjangoQDispatcher(BrokerDispatcher):
    """Enqueue each batch as one django-q2 task.

    Config: ``cluster`` (the name of the cluster that runs it, default the
    ``Q_CLUSTER`` one), ``group``, ``timeout`` (seconds), ``save`` (keep the
    result), ``max_retries`` (default 3; see the module docstring). Needs
    ``django_q`` in ``INSTALLED_APPS`` and a ``Q_CLUSTER`` setting (checked).
    """

    name: ClassVar[str] = "django_q"
    requires: ClassVar[tuple[str, ...]] = ("django_q",)
    options: ClassVar[dict[str, Option]] = {
        "cluster": Option(str, None, non_empty, nullable=True),
        "group": Option(str, None, non_empty, nullable=True),
        "timeout": Option(int, None, at_least(1), nullable=True),
        "save": Option(bool, None, nullable=True),
        "max_retries": Option(int, 3, at_least(0)),
    }

    def send(self, payload: Payload) -> None:
        q_options = {
            key: self.config[key]
            for key in ("cluster", "group", "timeout", "save")
            if self.config[key] is not None
        }
        _enqueue(payload, 0, self.config["max_retries"], q_options)

    def check_broker(self) -> list[checks.CheckMessage]:
        errors: list[checks.CheckMessage] = []
        if "django_q" not in settings.INSTALLED_APPS:
            errors.append(self.error("'django_q' is not in INSTALLED_APPS.", hint="Add it."))
        if not getattr(settings, "Q_CLUSTER", None):
            errors.append(
                self.error("settings.Q_CLUSTER is not set.", hint="Configure django-q2's cluster.")
            )
        return errors
