"""Real Celery, RQ, django-q2 and dramatiq workers on Redis, for the dispatcher tests.

A suite describes its worker project once (:class:`WorkerProject`: the directory on the
workers' ``PYTHONPATH``, their Django settings, the modules holding the Celery app and
the dramatiq broker); :func:`broker_worker` then runs any of the four brokers' workers
on a queue of its own (the session's: workers of other sessions on the shared Redis never
take its jobs). The workers read ``RF_WORKER_QUEUE`` (the queue, or django-q2's cluster)
and ``RF_WORKER_DB`` (django-q2's SQLite file) from their environment.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis

from testsupport.processes import console_script, log_says, run_django, running, with_support

__all__ = [
    "BROKERS",
    "WORKER_LOGGING",
    "WorkerProject",
    "broker_worker",
    "forget_queue",
    "q_cluster",
    "worker_database",
    "worker_queue",
]

BROKERS = ("rq", "dramatiq", "django_q", "celery")
READY = {
    "rq": "Listening on",
    "dramatiq": "is ready for action",
    "django_q": "running.",
    "celery": "ready.",
}
"""What each worker logs once it consumes its queue."""


# --- for the workers' settings modules ----------------------------------------------------------

WORKER_LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"restflow": {"handlers": ["console"], "level": "INFO"}},
}
"""restflow's log records to the worker's output (its log file: giving up, retries)."""


def worker_queue(default: str) -> tuple[str, str]:
    """``(REDIS_URL, queue)`` of a worker: what :func:`broker_worker` put in its environment."""
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    return redis_url, os.environ.get("RF_WORKER_QUEUE", default)


def worker_database() -> dict[str, str]:
    """SQLite in ``RF_WORKER_DB`` (django-q2's results; migrated before the cluster starts)."""
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("RF_WORKER_DB", ":memory:"),
    }


def q_cluster(redis_url: str, **names: str) -> dict[str, Any]:
    """django-q2's ``Q_CLUSTER`` for one worker that never retries by itself (restflow does).

    ``names``: ``name`` (also the signing salt: the test process's) and ``cluster_name``.
    """
    return {
        "workers": 1,
        "recycle": 500,
        "timeout": 30,
        "retry": 60,
        "max_attempts": 1,
        "catch_up": False,
        "redis": redis_url,
        **names,
    }


# --- starting them -------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkerProject:
    """Where a suite's workers find their code and settings."""

    path: Path
    """On the workers' ``PYTHONPATH``, and their working directory."""
    settings: str
    """Their ``DJANGO_SETTINGS_MODULE``."""
    celery_app: str
    """The module whose ``app`` is the Celery app (``celery -A``)."""
    dramatiq_broker: str
    """The module that sets dramatiq's broker and declares restflow's actor."""

    def env(self, queue: str, **extra: str) -> dict[str, str]:
        """The environment of a worker consuming ``queue``."""
        env = with_support(os.environ, self.path)
        env.update(
            DJANGO_SETTINGS_MODULE=self.settings,
            RF_WORKER_QUEUE=queue,
            PYTHONUNBUFFERED="1",
            **extra,
        )
        return env

    def argv(self, broker: str, queue: str, redis_url: str) -> list[str]:
        """The command line of ``broker``'s worker, one process and one thread, on ``queue``."""
        if broker == "rq":
            return [console_script("rq"), "worker", "--url", redis_url, "--with-scheduler", queue]
        if broker == "dramatiq":
            return [
                console_script("dramatiq"), self.dramatiq_broker,
                "--processes", "1", "--threads", "1", "--queues", queue,
            ]  # fmt: skip
        if broker == "celery":
            return [
                console_script("celery"), "-A", self.celery_app, "worker",
                "-P", "solo", "-c", "1", "-Q", queue, "-l", "INFO", "-n", f"{queue}@%h",
                "--without-heartbeat", "--without-mingle", "--without-gossip",
            ]  # fmt: skip
        if broker == "django_q":
            return [sys.executable, "-m", "django", "qcluster"]
        raise ValueError(f"unknown broker {broker!r}; known: {', '.join(BROKERS)}")


@contextmanager
def broker_worker(
    project: WorkerProject, broker: str, queue: str, redis_url: str, folder: Path
) -> Iterator[Path]:
    """Run ``broker``'s worker on ``queue`` until the context exits; yield its log file.

    django-q2's cluster stores its results: its database (in ``folder``) is migrated first.
    """
    env = project.env(queue, RF_WORKER_DB=str(folder / "worker.sqlite3"))
    if broker == "django_q":
        run_django(["migrate", "--verbosity", "0"], env=env, cwd=project.path)
    log = folder / f"{broker}.log"
    argv = project.argv(broker, queue, redis_url)
    with running(
        f"the {broker} worker",
        argv,
        log=log,
        ready=log_says(log, READY[broker]),
        env=env,
        cwd=project.path,
        timeout=90,
    ):
        yield log


def forget_queue(redis_url: str, queue: str) -> None:
    """Delete every Redis key naming ``queue`` (its jobs, registries, results)."""
    client = redis.Redis.from_url(redis_url)
    try:
        keys = list(client.scan_iter(match=f"*{queue}*", count=500))
        if keys:
            client.delete(*keys)
    finally:
        client.close()
