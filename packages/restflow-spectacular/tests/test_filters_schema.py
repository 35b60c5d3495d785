"""restflow-filters: every FilterSet parameter, with or without the filter backend."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.urls import path
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny

from spectests import generate

pytest.importorskip("restflow.filters", reason="restflow-filters is not installed")

from restflow.filters import (
    FilterSet,
    IntegerField,
    RestflowFilterBackend,
    StringField,
)


class GroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = Group
        fields = ["id", "name"]


class GroupFilterSet(FilterSet):
    name = StringField(lookups=["icontains"])
    id = IntegerField(lookups=["comparison"])

    class Meta:
        model = Group
        fields: list[str] = []


class _Groups(generics.ListAPIView):
    queryset = Group.objects.all()
    serializer_class = GroupSerializer
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    pagination_class = None
    filterset_class = GroupFilterSet


class FilteredGroups(_Groups):
    filter_backends = [RestflowFilterBackend]


class SelfFilteredGroups(_Groups):
    filter_backends: list[Any] = []


def _parameters(view: type) -> list[dict[str, Any]]:
    schema = generate([path("groups/", view.as_view())])
    return schema["paths"]["/groups/"]["get"]["parameters"]


def _by_name(parameters: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {parameter["name"]: parameter for parameter in parameters}


@pytest.mark.parametrize(
    "view", [FilteredGroups, SelfFilteredGroups], ids=["backend", "no-backend"]
)
def test_every_filterset_parameter_is_documented(view: type) -> None:
    expected = _by_name(GroupFilterSet.schema_parameters())
    documented = _by_name(_parameters(view))
    assert documented.keys() == expected.keys()
    for name, parameter in expected.items():
        assert documented[name] == parameter
        assert parameter["in"] == "query"


def test_lookups_and_negations_are_typed_parameters() -> None:
    documented = _by_name(_parameters(FilteredGroups))
    assert {"name__icontains", "name__icontains!", "id__gte", "id!"} <= documented.keys()
    assert documented["id__gte"]["schema"]["type"] == "integer"
    assert documented["name__icontains!"]["schema"]["type"] == "string"
    assert documented["name__icontains"].get("description")


def test_filtered_list_documents_400_for_invalid_filters() -> None:
    schema = generate([path("groups/", FilteredGroups.as_view())])
    assert "400" in schema["paths"]["/groups/"]["get"]["responses"]
