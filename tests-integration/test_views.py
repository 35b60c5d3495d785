"""restflow-views' async generics, alone and with restflow-filters and restflow-jwt."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.test import AsyncClient, override_settings

pytestmark = [pytest.mark.requires("restflow-views"), pytest.mark.django_db]

ENVELOPE = {"EXCEPTION_HANDLER": "restflow.exceptions.exception_handler"}


@pytest.fixture
def books(db: None) -> list[Any]:
    from combo_support.models import Book

    return [
        Book.objects.create(title="Dune", pages=600, genre="sf"),
        Book.objects.create(title="Neuromancer", pages=270, genre="sf"),
        Book.objects.create(title="The Big Sleep", pages=230, genre="crime"),
    ]


def _get(path: str, data: dict[str, str] | None = None, **headers: str) -> Any:
    # driven from a sync test so the ORM's thread hop shares the test's transaction
    return async_to_sync(AsyncClient().get)(path, data or {}, headers=headers)


def test_async_list_paginates_through_the_asgi_handler(books: list[Any]) -> None:
    response = _get("/async-books/", {"page": "2"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [row["title"] for row in body["results"]] == ["The Big Sleep"]


@override_settings(REST_FRAMEWORK=ENVELOPE)
def test_async_retrieve_and_its_404(books: list[Any]) -> None:
    assert _get(f"/async-books/{books[0].pk}/").json()["title"] == "Dune"
    missing = _get("/async-books/999999/")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


@pytest.mark.requires("restflow-filters")
@override_settings(REST_FRAMEWORK=ENVELOPE)
def test_async_list_awaits_the_filter_backend(books: list[Any]) -> None:
    response = _get("/async-filtered-books/", {"genre": "sf", "order_by": "-pages"})
    assert [row["title"] for row in response.json()["results"]] == ["Dune", "Neuromancer"]
    bad = _get("/async-filtered-books/", {"pages__gte": "many"})
    assert bad.status_code == 400
    assert bad.json()["error"]["details"] == {"pages__gte": ["A valid integer is required."]}


@pytest.mark.requires("restflow-jwt")
@override_settings(REST_FRAMEWORK=ENVELOPE)
def test_async_list_behind_jwt_authentication(books: list[Any]) -> None:
    from django.contrib.auth.models import User

    from restflow.authentication import AccessToken

    assert _get("/async-private-books/").status_code == 401
    token = AccessToken.for_user(User.objects.create_user("ada", password="lovelace-pw"))
    response = _get("/async-private-books/", Authorization=f"Bearer {token}")
    assert response.status_code == 200, response.json()
    assert response.json()["count"] == 3
