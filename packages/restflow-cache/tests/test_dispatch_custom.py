"""A dispatcher of one's own, as the reference library's users write it (issue 19, item 13):
the base class and ``register_dispatcher`` from ``restflow.caching``, then
``InvalidationRule(dispatcher="mine")``."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest

from cachetests.models import Author
from restflow.caching import (
    Dispatcher,
    InvalidationRule,
    cache_result,
    register_dispatcher,
    run_task,
)

pytestmark = pytest.mark.django_db(transaction=True)


class Mine(Dispatcher):
    """Keeps each batch, then runs it (a stand-in for a queue of one's own)."""

    name: ClassVar[str] = "mine"
    batches: ClassVar[list[list[dict[str, Any]]]] = []

    def send(self, payload: list[dict[str, Any]]) -> None:
        Mine.batches.append(payload)
        for item in payload:
            run_task(item["path"], item["kwargs"])


def test_a_registered_dispatcher_carries_the_rule_s_invalidations() -> None:
    register_dispatcher("mine", Mine)
    Mine.batches.clear()
    runs: list[int] = []

    @cache_result(
        ttl=60,
        invalidates_on=[
            InvalidationRule(Author, field_mapping={"author_id": "id"}, dispatcher="mine")
        ],
    )
    def author_name(author_id: int) -> str:
        runs.append(author_id)
        return Author.objects.get(pk=author_id).name

    ann = Author.objects.create(name="Ann")  # a save: one batch already
    assert author_name(ann.pk) == "Ann" and author_name(ann.pk) == "Ann"
    Mine.batches.clear()
    ann.name = "Anne"
    ann.save()
    assert len(Mine.batches) == 1
    assert author_name(ann.pk) == "Anne"
    assert runs == [ann.pk, ann.pk]


def test_the_built_in_dispatchers_are_importable_from_restflow_caching() -> None:
    import restflow.caching as caching

    names = [
        "InlineDispatcher",
        "ThreadPoolDispatcher",
        "AsyncioDispatcher",
        "AsyncIODispatcher",
        "CeleryDispatcher",
        "RQDispatcher",
        "DjangoRQDispatcher",
        "DjangoRqDispatcher",
        "DjangoQDispatcher",
        "DramatiqDispatcher",
    ]
    for name in names:
        assert issubclass(getattr(caching, name), Dispatcher), name
    assert caching.AsyncIODispatcher is caching.AsyncioDispatcher
    assert caching.DjangoRqDispatcher is caching.DjangoRQDispatcher
    assert set(names) <= set(dir(caching))
