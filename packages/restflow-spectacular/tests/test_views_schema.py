"""restflow-views: ActionConfig per action, request/response split, pagination envelopes."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.urls import path
from rest_framework import serializers
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer
from rest_framework.routers import SimpleRouter

from spectests import generate

pytest.importorskip("restflow.views", reason="restflow-views is not installed")

from restflow.pagination.fast import FastPageNumberPagination
from restflow.views import ActionConfig, AsyncListAPIView, AsyncModelViewSet
from restflow.views import AsyncAPIView as ViewsAPIView


class GroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = Group
        fields = ["id", "name"]


class GroupCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=150)
    invite_code = serializers.CharField()


class GroupDetailSerializer(serializers.ModelSerializer):
    class Meta:
        model = Group
        fields = ["id", "name", "permissions"]


class FastGroups(AsyncListAPIView):
    queryset = Group.objects.all()
    serializer_class = GroupSerializer
    pagination_class = FastPageNumberPagination
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]


class GroupViewSet(AsyncModelViewSet):
    queryset = Group.objects.all()
    serializer_class = GroupSerializer
    pagination_class = LimitOffsetPagination
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    action_configs = {
        "create": ActionConfig(
            request_serializer_class=GroupCreateSerializer,
            response_serializer_class=GroupDetailSerializer,
        ),
        "retrieve": ActionConfig(serializer_class=GroupDetailSerializer),
    }


class UnpaginatedListViewSet(AsyncModelViewSet):
    queryset = Group.objects.all()
    serializer_class = GroupSerializer
    pagination_class = FastPageNumberPagination
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    action_configs = {"list": ActionConfig(pagination_class=None)}


class Rename(ViewsAPIView):
    request_serializer_class = GroupCreateSerializer
    response_serializer_class = GroupDetailSerializer
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    async def post(self, request: Any) -> Any:
        raise NotImplementedError


def _schema() -> dict[str, Any]:
    router = SimpleRouter()
    router.register("groups", GroupViewSet, basename="group")
    router.register("plain", UnpaginatedListViewSet, basename="plain")
    return generate(
        [path("fast/", FastGroups.as_view()), path("rename/", Rename.as_view()), *router.urls]
    )


def _body_ref(operation: dict[str, Any], status: str) -> str:
    return operation["responses"][status]["content"]["application/json"]["schema"]["$ref"]


def test_fast_pagination_documents_page_and_a_countless_envelope() -> None:
    schema = _schema()
    operation = schema["paths"]["/fast/"]["get"]
    assert [p["name"] for p in operation["parameters"]] == ["page"]
    envelope = schema["components"]["schemas"][_body_ref(operation, "200").rsplit("/", 1)[1]]
    assert set(envelope["properties"]) == {"next", "previous", "results"}
    assert "count" not in envelope.get("required", [])
    assert _body_ref(operation, "200").endswith("/FastPageNumberPaginatedGroupList")


def test_viewset_list_uses_the_view_paginator_envelope() -> None:
    schema = _schema()
    operation = schema["paths"]["/groups/"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"limit", "offset"}
    envelope = schema["components"]["schemas"][_body_ref(operation, "200").rsplit("/", 1)[1]]
    assert set(envelope["properties"]) == {"count", "next", "previous", "results"}


def test_action_config_turns_pagination_off_for_its_action() -> None:
    operation = _schema()["paths"]["/plain/"]["get"]
    assert "parameters" not in operation
    body = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert body == {"type": "array", "items": {"$ref": "#/components/schemas/Group"}}


def test_action_config_splits_create_request_and_response_serializers() -> None:
    operation = _schema()["paths"]["/groups/"]["post"]
    request = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert request == "#/components/schemas/GroupCreate"
    assert _body_ref(operation, "201") == "#/components/schemas/GroupDetail"
    assert "400" in operation["responses"]


def test_action_config_serializer_applies_to_its_action_only() -> None:
    paths = _schema()["paths"]
    assert _body_ref(paths["/groups/{id}/"]["get"], "200") == "#/components/schemas/GroupDetail"
    assert _body_ref(paths["/groups/{id}/"]["put"], "200") == "#/components/schemas/Group"
    assert "404" in paths["/groups/{id}/"]["get"]["responses"]


def test_non_generic_view_documents_request_and_response_classes() -> None:
    operation = _schema()["paths"]["/rename/"]["post"]
    request = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert request == "#/components/schemas/GroupCreate"
    assert _body_ref(operation, "200") == "#/components/schemas/GroupDetail"


def test_whole_schema_validates_against_openapi_3_spec() -> None:
    validator = pytest.importorskip(
        "openapi_spec_validator", reason="openapi-spec-validator is not installed"
    )
    validator.validate(_schema())


class TextRenderer(BaseRenderer):
    media_type = "text/plain"
    format = "txt"


class PerActionViewSet(AsyncModelViewSet):
    queryset = Group.objects.all()
    serializer_class = GroupSerializer
    pagination_class = None
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    action_configs = {
        "list": ActionConfig(renderer_classes=[TextRenderer]),
        "create": ActionConfig(parser_classes=[FormParser]),
    }


def test_parser_and_renderer_classes_per_action_are_documented() -> None:
    router = SimpleRouter()
    router.register("per-action", PerActionViewSet, basename="per-action")
    paths = generate(router.urls)["paths"]
    assert set(paths["/per-action/"]["get"]["responses"]["200"]["content"]) == {"text/plain"}
    request_types = set(paths["/per-action/"]["post"]["requestBody"]["content"])
    assert request_types == {"application/x-www-form-urlencoded"}
    assert "application/json" in paths["/per-action/{id}/"]["get"]["responses"]["200"]["content"]
