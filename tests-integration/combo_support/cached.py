"""Cached functions for tests-integration/test_cache.py (importable by a second process too)."""

from __future__ import annotations

import os

from restflow.caching import ArgsKeyField, InvalidationRule, KeyConstructor, cache_result


class BookKey(KeyConstructor):
    book_id = ArgsKeyField("book_id", partition=True)

    class Meta:
        namespace = "restflow-it"


def _title(book_id: int) -> str:
    from combo_support.models import Book

    return Book.objects.get(pk=book_id).title


@cache_result(
    key_constructor=BookKey,
    ttl=300,
    invalidates_on=[InvalidationRule(model="combo_support.Book", field_mapping={"book_id": "id"})],
)
def book_title(book_id: int) -> str:
    return _title(book_id)


class PidKey(KeyConstructor):
    name = ArgsKeyField("name", partition=True)

    class Meta:
        namespace = "restflow-it-shared"  # the cache's KEY_PREFIX is per session


def computed_by(name: str) -> int:
    """The id of the process that computed the value: tells a hit from a miss across processes."""
    return os.getpid()


shared_pid = cache_result(key_constructor=PidKey, ttl=300, cache_alias="redis")(computed_by)
