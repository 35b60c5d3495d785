"""drf-spectacular's ``extend_schema_view`` on restflow's async viewsets (needs restflow-views)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth.models import Group
from django.test import AsyncRequestFactory
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from spectests import generate

pytest.importorskip("restflow.views", reason="restflow-views is not installed")

from restflow.views import AsyncModelViewSet, AsyncViewSet


class GroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = Group
        fields = ["id", "name"]


class NoteSerializer(serializers.Serializer):
    text = serializers.CharField()


@extend_schema_view(
    list=extend_schema(summary="Every group", description="All groups, a page at a time."),
    retrieve=extend_schema(summary="One group"),
)
class DocumentedGroups(AsyncModelViewSet):
    queryset = Group.objects.all()
    serializer_class = GroupSerializer
    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []


class Notes(AsyncViewSet):
    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []

    async def list(self, request: Any) -> Response:
        return Response([{"text": "first"}, {"text": "second"}])


@extend_schema_view(list=extend_schema(summary="Every note", responses=NoteSerializer(many=True)))
class DocumentedNotes(Notes):
    pass


def test_extend_schema_view_on_an_async_model_viewset_routes_and_documents() -> None:
    router = SimpleRouter()
    router.register("groups", DocumentedGroups, basename="group")
    paths = generate(router.urls)["paths"]
    assert paths["/groups/"]["get"]["summary"] == "Every group"
    assert paths["/groups/"]["get"]["description"] == "All groups, a page at a time."
    assert paths["/groups/{id}/"]["get"]["summary"] == "One group"
    assert "summary" not in paths["/groups/"]["post"]


def test_extend_schema_view_leaves_the_parent_viewset_undecorated() -> None:
    router = SimpleRouter()
    router.register("notes", Notes, basename="note")
    operation = generate(router.urls)["paths"]["/notes/"]["get"]
    assert "summary" not in operation


def test_decorated_action_is_dispatched_and_awaited() -> None:
    view = DocumentedNotes.as_view({"get": "list"})
    response = async_to_sync(view)(AsyncRequestFactory().get("/notes/"))
    assert response.status_code == 200
    assert json.loads(response.content) == [{"text": "first"}, {"text": "second"}]


def test_decorated_action_schema_uses_the_override() -> None:
    router = SimpleRouter()
    router.register("notes", DocumentedNotes, basename="note")
    operation = generate(router.urls)["paths"]["/notes/"]["get"]
    assert operation["summary"] == "Every note"
    body = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert body == {"type": "array", "items": {"$ref": "#/components/schemas/Note"}}
