"""restflow-views + restflow-cache: ``cache_response`` on an async viewset, invalidated by saves."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.test import AsyncClient, override_settings

pytestmark = [
    pytest.mark.requires("restflow-views", "restflow-cache"),
    pytest.mark.django_db(transaction=True),
]

STATUS = "X-Cache-Status"


@pytest.fixture(autouse=True)
def _cached_views_urls() -> Iterator[None]:
    from combo_support.cached_views import CachedBooks

    with override_settings(ROOT_URLCONF="combo_support.cached_views"):
        CachedBooks.list.cache.invalidate_all()
        CachedBooks.retrieve.cache.invalidate_all()
        yield


@pytest.fixture
def books() -> list[Any]:
    from combo_support.models import Book

    return [
        Book.objects.create(title="Dune", pages=600, genre="sf"),
        Book.objects.create(title="Neuromancer", pages=270, genre="sf"),
        Book.objects.create(title="The Big Sleep", pages=230, genre="crime"),
    ]


def _get(path: str, **data: str) -> Any:
    # driven from a sync test so the ORM's thread hop shares the test's connection
    return async_to_sync(AsyncClient().get)(path, data)


def _patch(path: str, body: dict[str, Any]) -> Any:
    client = AsyncClient()
    return async_to_sync(client.patch)(path, json.dumps(body), content_type="application/json")


def test_list_and_detail_are_served_from_the_cache(books: list[Any]) -> None:
    first, second = _get("/cached-books/"), _get("/cached-books/")
    assert (first[STATUS], second[STATUS]) == ("MISS", "HIT")
    assert first.json() == second.json() and first.json()["count"] == 3
    detail = f"/cached-books/{books[0].pk}/"
    assert (_get(detail)[STATUS], _get(detail)[STATUS]) == ("MISS", "HIT")
    assert _get(detail).json()["title"] == "Dune"


def test_a_model_save_drops_the_detail_and_every_list_page(books: list[Any]) -> None:
    dune, other = f"/cached-books/{books[0].pk}/", f"/cached-books/{books[1].pk}/"
    for path, data in [
        (dune, {}),
        (other, {}),
        ("/cached-books/", {}),
        ("/cached-books/", {"page": "2"}),
    ]:
        _get(path, **data)
    books[0].title = "Dune Messiah"
    books[0].save()
    fresh = _get(dune)
    assert fresh[STATUS] == "MISS" and fresh.json()["title"] == "Dune Messiah"
    assert _get(other)[STATUS] == "HIT"
    page = _get("/cached-books/")
    assert page[STATUS] == "MISS" and page.json()["results"][0]["title"] == "Dune Messiah"
    assert _get("/cached-books/", page="2")[STATUS] == "MISS"


def test_a_patch_through_the_async_viewset_invalidates_its_cached_reads(
    books: list[Any],
) -> None:
    detail = f"/cached-books/{books[2].pk}/"
    _get(detail), _get("/cached-books/", page="2")
    assert _get(detail)[STATUS] == "HIT"
    response = _patch(detail, {"title": "Farewell, My Lovely"})
    assert response.status_code == 200
    fresh = _get(detail)
    assert fresh[STATUS] == "MISS" and fresh.json()["title"] == "Farewell, My Lovely"
    listed = _get("/cached-books/", page="2")
    assert (
        listed[STATUS] == "MISS" and listed.json()["results"][0]["title"] == "Farewell, My Lovely"
    )


def test_a_deleted_book_is_not_served_from_the_cache(books: list[Any]) -> None:
    detail = f"/cached-books/{books[1].pk}/"
    assert _get(detail).status_code == 200
    books[1].delete()
    assert _get(detail).status_code == 404
    assert _get("/cached-books/").json()["count"] == 2


def test_a_rolled_back_save_keeps_the_cached_responses(books: list[Any]) -> None:
    from django.db import transaction

    detail = f"/cached-books/{books[0].pk}/"
    _get(detail), _get("/cached-books/")

    def save_then_fail() -> None:
        with transaction.atomic():
            books[0].title = "never committed"
            books[0].save()
            raise RuntimeError("roll back")

    with pytest.raises(RuntimeError):
        save_then_fail()
    assert (_get(detail)[STATUS], _get("/cached-books/")[STATUS]) == ("HIT", "HIT")
