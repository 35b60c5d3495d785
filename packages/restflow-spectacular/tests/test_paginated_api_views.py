"""A non-generic restflow view with its own ``pagination_class`` documents the page envelope
(issue 19, item 16): its GET answers through ``paginated_response``."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.urls import path
from rest_framework import serializers
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.permissions import AllowAny

from spectests import generate

pytest.importorskip("restflow.views", reason="restflow-views is not installed")

from restflow.views import APIView, AsyncAPIView


class GroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = Group
        fields = ["id", "name"]


class Open:
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    serializer_class = GroupSerializer


class SyncGroups(Open, APIView):
    pagination_class = LimitOffsetPagination

    def get(self, request: Any) -> Any:
        return self.paginated_response(Group.objects.all())


class AsyncGroups(Open, AsyncAPIView):
    pagination_class = LimitOffsetPagination

    async def get(self, request: Any) -> Any:
        return await self.apaginated_response(Group.objects.all())


class OneGroup(Open, AsyncAPIView):
    """No pagination class: one object, as before."""

    async def get(self, request: Any, pk: int) -> Any:
        raise NotImplementedError


def _schema() -> dict[str, Any]:
    return generate(
        [
            path("sync/groups/", SyncGroups.as_view()),
            path("async/groups/", AsyncGroups.as_view()),
            path("groups/<int:pk>/", OneGroup.as_view()),
        ]
    )


@pytest.mark.parametrize("url", ["/sync/groups/", "/async/groups/"])
def test_a_paginated_get_is_documented_in_the_paginator_envelope(url: str) -> None:
    schema = _schema()
    operation = schema["paths"][url]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"limit", "offset"}
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    envelope = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert set(envelope["properties"]) == {"count", "next", "previous", "results"}
    assert envelope["properties"]["results"]["items"] == {"$ref": "#/components/schemas/Group"}


def test_a_view_without_a_pagination_class_still_documents_one_object() -> None:
    operation = _schema()["paths"]["/groups/{id}/"]["get"]
    body = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/Group"}
