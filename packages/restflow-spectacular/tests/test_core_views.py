"""Core AsyncAPIView and DRF views: error envelope responses (needs only core)."""

from __future__ import annotations

from typing import Any

from django.urls import path
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.throttling import AnonRateThrottle

from restflow.core import AsyncAPIView
from spectests import error_ref, generate

ENVELOPE = "#/components/schemas/ErrorEnvelope"


class NoteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=20)


class GuardedNotes(AsyncAPIView):
    serializer_class = NoteSerializer
    permission_classes = [IsAuthenticated]
    throttle_classes = [AnonRateThrottle]

    async def post(self, request: Any) -> Any:
        raise NotImplementedError


class OpenNote(AsyncAPIView):
    serializer_class = NoteSerializer
    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []

    async def get(self, request: Any, number: int) -> Any:
        raise NotImplementedError


def _schema() -> dict[str, Any]:
    return generate(
        [path("notes/", GuardedNotes.as_view()), path("notes/<int:number>/", OpenNote.as_view())]
    )


def test_error_envelope_is_a_component_with_code_message_and_details() -> None:
    component = _schema()["components"]["schemas"]["ErrorEnvelope"]
    error = component["properties"]["error"]
    assert component["required"] == ["error"]
    assert error["required"] == ["code", "message", "details"]
    assert set(error["properties"]) == {"code", "message", "details"}


def test_validated_authenticated_throttled_operation_documents_400_401_403_429() -> None:
    operation = _schema()["paths"]["/notes/"]["post"]
    assert set(operation["responses"]) == {"200", "400", "401", "403", "429"}
    for status in ("400", "401", "403", "429"):
        assert error_ref(operation, status) == ENVELOPE


def test_open_detail_read_documents_only_404() -> None:
    operation = _schema()["paths"]["/notes/{number}/"]["get"]
    assert set(operation["responses"]) == {"200", "404"}
    assert error_ref(operation, "404") == ENVELOPE


def test_auto_schema_is_importable_from_the_package_root() -> None:
    from restflow.spectacular import RestflowAutoSchema
    from restflow.spectacular.schema import RestflowAutoSchema as direct

    assert RestflowAutoSchema is direct
