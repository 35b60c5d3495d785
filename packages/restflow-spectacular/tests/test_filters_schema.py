"""restflow-filters: every FilterSet parameter, with or without the filter backend."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import path

from spectests import generate

pytest.importorskip("restflow.filters", reason="restflow-filters is not installed")

from spectests.groups import GroupFilterSet, Groups

FilteredGroups = Groups  # with restflow's filter backend


class SelfFilteredGroups(Groups):
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
