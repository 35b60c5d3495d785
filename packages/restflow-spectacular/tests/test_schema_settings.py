"""``RESTFLOW_SETTINGS["SCHEMA"]["FILTER_METHODS"]`` and a view's ``filterset_schema_methods``
change which operations list the FilterSet's parameters (issue 19, item 11)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.urls import path

from spectests import generate

pytest.importorskip("restflow.filters", reason="restflow-filters is not installed")

from restflow.spectacular.settings import SCHEMA_SETTINGS
from spectests.groups import Groups


class GetOnlyGroups(Groups):
    filterset_schema_methods = ["GET"]


def names(view: type, method: str) -> set[str]:
    operation = generate([path("groups/", view.as_view())])["paths"]["/groups/"][method]
    return {parameter["name"] for parameter in operation.get("parameters", [])}


def schema_settings(**values: Any) -> Any:
    return override_settings(RESTFLOW_SETTINGS={"SCHEMA": values})


def test_by_default_only_the_list_operation_has_filter_parameters() -> None:
    assert "name__icontains" in names(Groups, "get")
    assert names(Groups, "post") == set()


def test_filter_methods_adds_the_parameters_to_the_named_methods() -> None:
    with schema_settings(FILTER_METHODS=["get", "POST"]):
        assert "name__icontains" in names(Groups, "post")
        assert "name__icontains" in names(Groups, "get")


def test_filter_methods_can_take_them_off_the_list_too() -> None:
    with schema_settings(FILTER_METHODS=["POST"]):
        assert names(Groups, "get") == set()


def test_a_view_s_filterset_schema_methods_wins_over_the_setting() -> None:
    with schema_settings(FILTER_METHODS=["POST"]):
        assert names(GetOnlyGroups, "post") == set()
        assert "name__icontains" in names(GetOnlyGroups, "get")


@pytest.mark.parametrize("bad", ["GET", ["FETCH"], [1]])
def test_a_bad_filter_methods_is_refused_naming_the_key(bad: Any) -> None:
    with (
        schema_settings(FILTER_METHODS=bad),
        pytest.raises(ImproperlyConfigured, match="FILTER_METHODS"),
    ):
        SCHEMA_SETTINGS.FILTER_METHODS  # noqa: B018


def test_an_unknown_schema_key_is_refused_with_a_suggestion() -> None:
    with (
        schema_settings(FILTER_METHOD=["GET"]),
        pytest.raises(ImproperlyConfigured, match="did you mean 'FILTER_METHODS'"),
    ):
        SCHEMA_SETTINGS.FILTER_METHODS  # noqa: B018
