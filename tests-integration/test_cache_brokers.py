"""restflow-cache with each broker: a model save enqueues, a real worker process invalidates.

Each broker runs in the combination that installs its extra (``it-cache-rq``,
``it-cache-dramatiq``, ``it-cache-djangoq``, ``it-cache-celery``; all four in ``it-full``)
and needs Redis; with ``CI=true`` a promised broker or Redis that is missing fails.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from testsupport.processes import wait_until

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


@pytest.fixture(scope="module", params=BROKERS)
def worker(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    """A real worker of the broker, consuming this session's queue; yields (broker, its log)."""
    from combo_support.broker_apps import QUEUE
    from testsupport.brokers import WorkerProject, broker_worker, forget_queue

    project = WorkerProject(
        path=Path(__file__).resolve().parent,
        settings="combo_support.worker_settings",
        celery_app="combo_support.broker_apps",
        dramatiq_broker="combo_support.broker_apps",
    )
    broker, url = str(request.param), os.environ["REDIS_URL"]
    try:
        with broker_worker(project, broker, QUEUE, url, tmp_path_factory.mktemp(broker)) as log:
            yield broker, log
    finally:
        forget_queue(url, QUEUE)


def _gone(wrapper: Any, book_id: int) -> Callable[[], bool]:
    from restflow.caching import CACHE_MISSING

    return lambda: wrapper.get_cache_only(book_id) is CACHE_MISSING


def _book(broker: str) -> Any:
    from combo_support.models import Book

    return Book.objects.create(title="Dune", pages=600, genre=broker)  # rules fire per genre


def _status(wrapper: Any, book_id: int) -> str:
    return str(wrapper.get_with_metadata(book_id)[1]["cache_status"]).upper()


def test_a_save_is_invalidated_by_the_worker(worker: tuple[str, Path]) -> None:
    from combo_support.broker_cached import dropped

    broker, log = worker
    cached = dropped[broker]
    book = _book(broker)
    assert (_status(cached, book.pk), _status(cached, book.pk)) == ("MISS", "HIT")
    book.title = "Dune Messiah"
    book.save()
    wait_until(_gone(cached, book.pk), timeout=60, what=broker, log=log)


def test_a_delete_is_invalidated_by_the_worker(worker: tuple[str, Path]) -> None:
    from combo_support.broker_cached import dropped

    broker, log = worker
    cached = dropped[broker]
    book = _book(broker)
    book_id = book.pk
    cached(book_id)
    book.delete()
    wait_until(_gone(cached, book_id), timeout=60, what=broker, log=log)


def test_a_rewarm_rule_is_recomputed_by_the_worker(worker: tuple[str, Path]) -> None:
    from combo_support.broker_cached import rewarmed

    broker, log = worker
    cached = rewarmed[broker]
    book = _book(broker)
    assert cached(book.pk) == {"book_id": book.pk, "pid": os.getpid()}
    book.pages = 601
    book.save()

    def recomputed_elsewhere() -> bool:
        value = cached.get_cache_only(book.pk)
        return isinstance(value, dict) and value["pid"] != os.getpid()

    wait_until(recomputed_elsewhere, timeout=60, what=f"{broker} to rewarm", log=log)
    assert cached.get_cache_only(book.pk)["book_id"] == book.pk
