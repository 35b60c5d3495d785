"""A view's ``schema_error_responses``: extra error responses with the envelope (core only)."""

from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular.drainage import GENERATOR_STATS
from rest_framework import serializers

from restflow.core import AsyncAPIView
from spectests import error_ref, generate

ENVELOPE = "#/components/schemas/ErrorEnvelope"


class ItemSerializer(serializers.Serializer):
    name = serializers.CharField()


class Reserve(AsyncAPIView):
    serializer_class = ItemSerializer
    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []
    schema_error_responses = {409: "Already reserved.", "400": "The item is malformed."}

    async def post(self, request: Any) -> Any:
        raise NotImplementedError


class Misdeclared(AsyncAPIView):
    serializer_class = ItemSerializer
    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []
    schema_error_responses = [409]

    async def get(self, request: Any) -> Any:
        raise NotImplementedError


def _schema() -> dict[str, Any]:
    return generate([path("reserve/", Reserve.as_view()), path("bad/", Misdeclared.as_view())])


def test_declared_error_is_documented_with_the_envelope_and_its_description() -> None:
    responses = _schema()["paths"]["/reserve/"]["post"]["responses"]
    assert error_ref({"responses": responses}, "409") == ENVELOPE
    assert responses["409"]["description"] == "Already reserved."


def test_declared_description_replaces_the_default_one() -> None:
    responses = _schema()["paths"]["/reserve/"]["post"]["responses"]
    assert error_ref({"responses": responses}, "400") == ENVELOPE
    assert responses["400"]["description"] == "The item is malformed."


def test_a_declaration_that_is_not_a_mapping_warns_and_adds_nothing() -> None:
    GENERATOR_STATS._warn_cache.clear()
    responses = _schema()["paths"]["/bad/"]["get"]["responses"]
    assert set(responses) == {"200"}
    assert [w for w in GENERATOR_STATS._warn_cache if "Misdeclared.schema_error_responses" in w]
