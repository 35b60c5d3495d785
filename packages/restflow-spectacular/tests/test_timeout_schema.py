"""A view whose handlers run under a ``timeout`` documents the 504 ``timeout`` envelope."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import path
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.routers import SimpleRouter

from restflow.core import AsyncAPIView as CoreAPIView
from spectests import error_ref, generate

pytest.importorskip("restflow.views", reason="restflow-views is not installed")

from restflow.views import AsyncAPIView, AsyncViewSet

ENVELOPE = "#/components/schemas/ErrorEnvelope"


class NoteSerializer(serializers.Serializer):
    text = serializers.CharField()


class Open:
    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []
    serializer_class = NoteSerializer


class Timed(Open, AsyncAPIView):
    timeout = 2.5

    async def get(self, request: Any) -> Any:
        raise NotImplementedError

    async def post(self, request: Any) -> Any:
        raise NotImplementedError


class Untimed(Open, AsyncAPIView):
    async def get(self, request: Any) -> Any:
        raise NotImplementedError


class Lifted(Timed):
    timeout = None


class TimedNotes(Open, AsyncViewSet):
    timeout = 4

    async def list(self, request: Any) -> Any:
        raise NotImplementedError

    async def retrieve(self, request: Any, pk: str) -> Any:
        raise NotImplementedError

    @action(detail=False, methods=["post"])
    async def archive(self, request: Any) -> Any:
        raise NotImplementedError


class Unenforced(Open, CoreAPIView):
    """restflow-core's view has no timeout machinery: the attribute alone bounds nothing."""

    timeout = 3

    async def get(self, request: Any) -> Any:
        raise NotImplementedError


def _schema() -> dict[str, Any]:
    router = SimpleRouter()
    router.register("notes", TimedNotes, basename="notes")
    return generate(
        [
            path("timed/", Timed.as_view()),
            path("untimed/", Untimed.as_view()),
            path("lifted/", Lifted.as_view()),
            path("unenforced/", Unenforced.as_view()),
            *router.urls,
        ]
    )


def test_a_timed_view_documents_a_504_envelope_naming_its_limit() -> None:
    paths = _schema()["paths"]
    for method in ("get", "post"):
        operation = paths["/timed/"][method]
        assert error_ref(operation, "504") == ENVELOPE
        assert "2.5 seconds" in operation["responses"]["504"]["description"]


def test_every_action_of_a_timed_viewset_documents_the_504() -> None:
    paths = _schema()["paths"]
    operations = [
        paths["/notes/"]["get"],
        paths["/notes/{id}/"]["get"],
        paths["/notes/archive/"]["post"],
    ]
    for operation in operations:
        assert error_ref(operation, "504") == ENVELOPE
        assert "4 seconds" in operation["responses"]["504"]["description"]


@pytest.mark.parametrize("route", ["/untimed/", "/lifted/", "/unenforced/"])
def test_a_view_without_an_enforced_timeout_documents_no_504(route: str) -> None:
    assert "504" not in _schema()["paths"][route]["get"]["responses"]
