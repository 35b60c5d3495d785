"""The ``celery`` dispatcher: one Celery task per batch, retried by Celery.

Workers must import this module so the task ``restflow.caching.run_batch`` is
registered (it is a ``shared_task``): add it to the app's ``imports``/
``include``, e.g. ``Celery("proj", include=["restflow.caching.dispatchers.celery"])``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

import restflow.caching.dispatchers._brokers as _brokers
from restflow.caching.dispatchers._options import Option, at_least, between, non_empty
from restflow.caching.dispatchers.base import BatchError, Payload, logger, run_batch
from restflow.caching.dispatchers.broker import BrokerDispatcher, load_object

__all__ = ["TASK_NAME", "CeleryDispatcher", "run_batch_task"]

TASK_NAME = "restflow.caching.run_batch"


def _run_batch_task(task: Any, payload: Payload, max_retries: int, retry_delay: float) -> None:
    """The Celery task body: run the batch; on failure retry only the failed tasks."""
    try:
        run_batch(payload)
    except BatchError as error:
        if task.request.retries >= max_retries:
            logger.error("restflow gave up on %s after %d retries", error, max_retries)
            raise
        raise task.retry(
            args=(error.failed, max_retries, retry_delay),
            countdown=retry_delay,
            max_retries=max_retries,
            exc=error,
        ) from error


def _register() -> Any:
    if _brokers.missing("celery") is not None:
        return None
    celery = _brokers.require("celery")
    return celery.shared_task(bind=True, name=TASK_NAME)(_run_batch_task)


run_batch_task = _register()
"""The registered shared task (``None`` when Celery is not installed)."""


class CeleryDispatcher(BrokerDispatcher):
    """Send each batch as one ``restflow.caching.run_batch`` Celery task.

    Config: ``app`` (a Celery app or its dotted path, ``"proj.celery:app"``;
    default ``celery.current_app``), ``queue``, ``priority`` (0–255),
    ``countdown`` (seconds before it runs), ``max_retries`` (default 3) and
    ``retry_delay`` (seconds, default 1): a failing batch is retried by
    Celery, each retry carrying only the tasks that failed.
    """

    name: ClassVar[str] = "celery"
    requires: ClassVar[tuple[str, ...]] = ("celery",)
    options: ClassVar[dict[str, Option]] = {
        "app": Option(object, None, nullable=True),
        "queue": Option(str, None, non_empty, nullable=True),
        "priority": Option(int, None, between(0, 255), nullable=True),
        "countdown": Option((int, float), None, at_least(0), nullable=True),
        "max_retries": Option(int, 3, at_least(0)),
        "retry_delay": Option((int, float), 1, at_least(0)),
    }

    def _app(self) -> Any:
        app = self.config["app"]
        if app is None:
            return _brokers.require("celery").current_app
        return load_object(app, "Celery app")

    def send(self, payload: Payload) -> None:
        options = {
            key: self.config[key]
            for key in ("queue", "priority", "countdown")
            if self.config[key] is not None
        }
        self._app().send_task(
            TASK_NAME,
            args=(payload, self.config["max_retries"], self.config["retry_delay"]),
            **options,
        )

    def check_broker(self) -> list[checks.CheckMessage]:
        try:
            self._app()
        except ImproperlyConfigured as exc:
            return [self.error(str(exc), hint="config 'app' must name your Celery app.")]
        return []
