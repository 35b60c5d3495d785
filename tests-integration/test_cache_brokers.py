"""restflow-cache with each broker: a model save enqueues, a real worker process invalidates.

Each broker runs in the combination that installs its extra (``it-cache-rq``,
``it-cache-dramatiq``, ``it-cache-djangoq``, ``it-cache-celery``; all four in ``it-full``)
and needs Redis; with ``CI=true`` a promised broker or Redis that is missing fails.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = [
    pytest.mark.requires("restflow-cache", "redis", "django-redis"),
    pytest.mark.django_db(transaction=True),
]

BROKERS = [
    pytest.param("rq", marks=pytest.mark.requires("rq")),
    pytest.param("dramatiq", marks=pytest.mark.requires("dramatiq")),
    pytest.param("django_q", marks=pytest.mark.requires("django-q2")),
    pytest.param("celery", marks=pytest.mark.requires("celery")),
]


def _argv(broker: str, queue: str) -> tuple[list[str], str]:
    """The worker's command line and the text its log shows once it consumes ``queue``."""
    from combo_support.workers import command

    if broker == "rq":
        return [command("rq"), "worker", "--url", os.environ["REDIS_URL"], queue], "Listening on"
    if broker == "dramatiq":
        argv = [command("dramatiq"), "combo_support.broker_apps", "--processes", "1"]
        return [*argv, "--threads", "1", "--queues", queue], "is ready for action"
    if broker == "celery":
        argv = [command("celery"), "-A", "combo_support.broker_apps", "worker", "-P", "solo"]
        argv += ["-c", "1", "-Q", queue, "-l", "INFO", "-n", f"{queue}@%h"]
        return [*argv, "--without-heartbeat", "--without-mingle", "--without-gossip"], "ready."
    return [sys.executable, "-m", "django", "qcluster"], "running."


@pytest.fixture(scope="module", params=BROKERS)
def worker(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    """A real worker of the broker, consuming this session's queue; yields (broker, its log)."""
    from combo_support.broker_apps import QUEUE
    from combo_support.workers import delete_matching, django_admin, running_worker, worker_env

    broker = str(request.param)
    folder = tmp_path_factory.mktemp(broker)
    env = worker_env(QUEUE, RF_IT_WORKER_DB=str(folder / "worker.sqlite3"))
    if broker == "django_q":
        django_admin(env, "migrate", "--verbosity", "0")  # the cluster stores its results
    argv, ready = _argv(broker, QUEUE)
    try:
        with running_worker(broker, argv, ready, folder, env) as log:
            yield broker, log
    finally:
        url = os.environ["REDIS_URL"]
        for pattern in (f"*{QUEUE}*", f"rq:*{QUEUE}*"):
            delete_matching(url, pattern)


def _book(broker: str) -> Any:
    from combo_support.models import Book

    return Book.objects.create(title="Dune", pages=600, genre=broker)  # rules fire per genre


def _status(wrapper: Any, book_id: int) -> str:
    return str(wrapper.get_with_metadata(book_id)[1]["cache_status"]).upper()


def test_a_save_is_invalidated_by_the_worker(worker: tuple[str, Path]) -> None:
    from combo_support.broker_cached import dropped
    from combo_support.workers import wait_until
    from restflow.caching import CACHE_MISSING

    broker, log = worker
    cached = dropped[broker]
    book = _book(broker)
    assert (_status(cached, book.pk), _status(cached, book.pk)) == ("MISS", "HIT")
    book.title = "Dune Messiah"
    book.save()
    wait_until(lambda: cached.get_cache_only(book.pk) is CACHE_MISSING, log, what=broker)


def test_a_delete_is_invalidated_by_the_worker(worker: tuple[str, Path]) -> None:
    from combo_support.broker_cached import dropped
    from combo_support.workers import wait_until
    from restflow.caching import CACHE_MISSING

    broker, log = worker
    cached = dropped[broker]
    book = _book(broker)
    book_id = book.pk
    cached(book_id)
    book.delete()
    wait_until(lambda: cached.get_cache_only(book_id) is CACHE_MISSING, log, what=broker)


def test_a_rewarm_rule_is_recomputed_by_the_worker(worker: tuple[str, Path]) -> None:
    from combo_support.broker_cached import rewarmed
    from combo_support.workers import wait_until

    broker, log = worker
    cached = rewarmed[broker]
    book = _book(broker)
    assert cached(book.pk) == {"book_id": book.pk, "pid": os.getpid()}
    book.pages = 601
    book.save()

    def recomputed_elsewhere() -> bool:
        value = cached.get_cache_only(book.pk)
        return isinstance(value, dict) and value["pid"] != os.getpid()

    wait_until(recomputed_elsewhere, log, what=f"{broker} to rewarm")
    assert cached.get_cache_only(book.pk)["book_id"] == book.pk
