"""restflow-filters in a plain DRF ListAPIView, with or without restflow-views installed."""

from __future__ import annotations

import importlib.util
from typing import Any

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from combo_support import expected

pytestmark = [pytest.mark.requires("restflow-filters"), pytest.mark.django_db]


@pytest.fixture
def books(db: None) -> None:
    from combo_support.models import Book

    Book.objects.create(title="Dune", pages=600, genre="sf")
    Book.objects.create(title="Neuromancer", pages=270, genre="sf")
    Book.objects.create(title="The Big Sleep", pages=230, genre="crime")


def _titles(response: Any) -> list[str]:
    return [row["title"] for row in response.json()]


def test_filters_a_list_api_view(books: None) -> None:
    client = APIClient()
    response = client.get("/books/", {"genre": "sf", "pages__lt": "500"})
    assert response.status_code == 200
    assert _titles(response) == ["Neuromancer"]
    response = client.get("/books/", {"genre!": "sf", "order_by": "-title"})
    assert _titles(response) == ["The Big Sleep"]
    response = client.get("/books/", {"order_by": "-pages"})
    assert _titles(response) == ["Dune", "Neuromancer", "The Big Sleep"]


@override_settings(REST_FRAMEWORK={"EXCEPTION_HANDLER": "restflow.exceptions.exception_handler"})
def test_bad_values_are_a_400_in_the_envelope(books: None) -> None:
    response = APIClient().get("/books/", {"pages__gte": "lots", "genre": "poetry"})
    assert response.status_code == 400
    details = response.json()["error"]["details"]
    assert details == {
        "pages__gte": ["A valid integer is required."],
        "genre": ['"poetry" is not a valid choice.'],
    }


def test_filters_alone_needs_no_restflow_views() -> None:
    views_installed = importlib.util.find_spec("restflow.views") is not None
    assert views_installed == ("views" in expected() or "meta" in expected())
