"""Service views are documented from their specs: input, output, success status, errors."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import path
from rest_framework import serializers
from rest_framework.routers import SimpleRouter

from spectests import error_ref, generate

pytest.importorskip("restflow.views", reason="restflow-views is not installed")

from restflow.services import (
    AsyncServiceCreateView,
    CircuitBreaker,
    SelectorListView,
    ServiceSpec,
    ServiceViewSet,
)

ENVELOPE = "#/components/schemas/ErrorEnvelope"


class BookIn(serializers.Serializer):
    title = serializers.CharField()


class BookOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


async def acreate_book(*, data: dict[str, Any]) -> dict[str, Any]:
    return {"id": 1, **data}


def list_books() -> list[dict[str, Any]]:
    return []


class CreateBook(AsyncServiceCreateView):
    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []
    spec = ServiceSpec(
        service=acreate_book,
        input_serializer=BookIn,
        output_serializer=BookOut,
        timeout=2,
        breaker=CircuitBreaker("books"),
    )


class ListBooks(SelectorListView):
    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []
    pagination_class = None
    spec = list_books
    serializer_class = BookOut


class Books(ServiceViewSet):
    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []
    pagination_class = None
    serializer_class = BookOut
    service_specs = {"create": ServiceSpec(service=acreate_book, input_serializer=BookIn)}


def _schema() -> dict[str, Any]:
    router = SimpleRouter()
    router.register("vs/books", Books, basename="books")
    return generate(
        [path("books/", CreateBook.as_view()), path("listed/", ListBooks.as_view()), *router.urls]
    )


def _ref(operation: dict[str, Any], status: str) -> str:
    return operation["responses"][status]["content"]["application/json"]["schema"]["$ref"]


def test_a_create_service_view_documents_its_input_output_and_201() -> None:
    operation = _schema()["paths"]["/books/"]["post"]
    assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/BookIn"
    )
    assert set(operation["responses"]) >= {"201", "400", "503", "504"}
    assert _ref(operation, "201").endswith("/BookOut")


def test_breaker_and_timeout_errors_are_documented_with_the_envelope() -> None:
    operation = _schema()["paths"]["/books/"]["post"]
    assert error_ref(operation, "503") == ENVELOPE and error_ref(operation, "504") == ENVELOPE
    assert "circuit breaker" in operation["responses"]["503"]["description"]


def test_a_selector_list_view_documents_a_list_of_its_serializer() -> None:
    operation = _schema()["paths"]["/listed/"]["get"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["type"] == "array" and schema["items"]["$ref"].endswith("/BookOut")


def test_a_service_viewset_action_documents_its_spec() -> None:
    operation = _schema()["paths"]["/vs/books/"]["post"]
    assert set(operation["responses"]) >= {"201", "400"} and "503" not in operation["responses"]
    assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/BookIn"
    )
