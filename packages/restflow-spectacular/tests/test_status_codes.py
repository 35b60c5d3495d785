"""Documented status codes: 201/204 for restflow's create/destroy, 404 for missing pages,
open views (restflow's ``AllowAny``) and views that declare no serializer."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.urls import path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.pagination import LimitOffsetPagination, PageNumberPagination
from rest_framework.routers import SimpleRouter

from restflow import permissions
from restflow.core import AsyncAPIView as CoreAPIView
from spectests import error_ref, generate

pytest.importorskip("restflow.views", reason="restflow-views is not installed")

from restflow.views import (
    AsyncAPIView,
    AsyncCreateAPIView,
    AsyncDestroyAPIView,
    AsyncListAPIView,
    AsyncListCreateAPIView,
    AsyncModelViewSet,
    CreateModelMixin,
    GenericAPIView,
    ListModelMixin,
)

ENVELOPE = "#/components/schemas/ErrorEnvelope"


class GroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = Group
        fields = ["id", "name"]


class _Groups:
    queryset = Group.objects.all()
    serializer_class = GroupSerializer
    authentication_classes: list[Any] = []
    permission_classes = [permissions.AllowAny]


class ListCreateGroups(_Groups, AsyncListCreateAPIView):
    pagination_class = PageNumberPagination


class CreateGroup(_Groups, AsyncCreateAPIView):
    pass


class SyncListCreateGroups(_Groups, ListModelMixin, CreateModelMixin, GenericAPIView):
    pagination_class = None

    def get(self, request: Any) -> Any:
        raise NotImplementedError

    def post(self, request: Any) -> Any:
        raise NotImplementedError


class DestroyGroup(_Groups, AsyncDestroyAPIView):
    pass


class OffsetGroups(_Groups, AsyncListAPIView):
    pagination_class = LimitOffsetPagination


class GroupViewSet(_Groups, AsyncModelViewSet):
    pagination_class = PageNumberPagination


class NoSerializerView(AsyncAPIView):
    authentication_classes: list[Any] = []
    permission_classes = [permissions.AllowAny]

    async def get(self, request: Any) -> Any:
        raise NotImplementedError

    async def post(self, request: Any) -> Any:
        raise NotImplementedError

    async def delete(self, request: Any) -> Any:
        raise NotImplementedError


class GuardedCoreView(CoreAPIView):
    serializer_class = GroupSerializer
    permission_classes = [permissions.IsAuthenticated]

    async def get(self, request: Any) -> Any:
        raise NotImplementedError


class OpenGroups(_Groups, AsyncListAPIView):
    authentication_classes = [SessionAuthentication]
    pagination_class = None


class ReadOrSignIn(_Groups, AsyncListCreateAPIView):
    authentication_classes = [SessionAuthentication]
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    pagination_class = None


def _schema() -> dict[str, Any]:
    router = SimpleRouter()
    router.register("viewset", GroupViewSet, basename="group")
    return generate(
        [
            path("list-create/", ListCreateGroups.as_view()),
            path("create/", CreateGroup.as_view()),
            path("sync-list-create/", SyncListCreateGroups.as_view()),
            path("destroy/<int:pk>/", DestroyGroup.as_view()),
            path("offset/", OffsetGroups.as_view()),
            path("guarded/", GuardedCoreView.as_view()),
            path("read-or-sign-in/", ReadOrSignIn.as_view()),
            path("open/", OpenGroups.as_view()),
            *router.urls,
        ]
    )


class DescribedNoSerializerView(NoSerializerView):
    @extend_schema(request=GroupSerializer, responses={202: GroupSerializer})
    async def post(self, request: Any) -> Any:
        raise NotImplementedError


def _bare_schema() -> dict[str, Any]:
    return generate(
        [
            path("bare/", NoSerializerView.as_view()),
            path("described/", DescribedNoSerializerView.as_view()),
        ]
    )


# -- 201 on create, 204 on destroy ----------------------------------------------------


@pytest.mark.parametrize("route", ["/list-create/", "/create/", "/sync-list-create/", "/viewset/"])
def test_create_on_restflow_views_is_documented_as_201(route: str) -> None:
    responses = _schema()["paths"][route]["post"]["responses"]
    assert "201" in responses
    assert "200" not in responses
    body = responses["201"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/Group"}


@pytest.mark.parametrize("route", ["/destroy/{id}/", "/viewset/{id}/"])
def test_destroy_on_restflow_views_is_documented_as_204_without_body(route: str) -> None:
    responses = _schema()["paths"][route]["delete"]["responses"]
    assert responses["204"] == {"description": "No response body"}
    assert "200" not in responses


def test_update_and_list_stay_200() -> None:
    paths = _schema()["paths"]
    assert "200" in paths["/viewset/{id}/"]["put"]["responses"]
    assert "200" in paths["/list-create/"]["get"]["responses"]


# -- 404 for a page out of range ----------------------------------------------------------


@pytest.mark.parametrize("route", ["/list-create/", "/viewset/"])
def test_paginated_list_documents_404_for_a_missing_page(route: str) -> None:
    operation = _schema()["paths"][route]["get"]
    assert error_ref(operation, "404") == ENVELOPE


def test_unpaginated_and_limit_offset_lists_document_no_404() -> None:
    paths = _schema()["paths"]
    assert "404" not in paths["/sync-list-create/"]["get"]["responses"]
    assert "404" not in paths["/offset/"]["get"]["responses"]
    assert "404" not in paths["/list-create/"]["post"]["responses"]


# -- restflow's AllowAny ------------------------------------------------------------------


def test_restflow_allow_any_documents_no_403_and_optional_auth() -> None:
    operation = _schema()["paths"]["/create/"]["post"]
    assert "403" not in operation["responses"]
    assert "401" not in operation["responses"]


def test_restflow_allow_any_makes_security_optional_and_keeps_the_401() -> None:
    operation = _schema()["paths"]["/open/"]["get"]
    assert operation["security"] == [{"cookieAuth": []}, {}]
    assert "403" not in operation["responses"]
    assert error_ref(operation, "401") == ENVELOPE  # a bad credential is still refused


def test_restflow_allow_any_without_authenticators_is_documented_like_drfs() -> None:
    assert _bare_schema()["paths"]["/bare/"]["get"]["security"] == [{}]


def test_restflow_permission_still_documents_403_and_requires_auth() -> None:
    operation = _schema()["paths"]["/guarded/"]["get"]
    assert error_ref(operation, "403") == ENVELOPE
    assert {} not in operation["security"]


def test_restflow_read_only_permission_makes_auth_optional_for_reads_only() -> None:
    operations = _schema()["paths"]["/read-or-sign-in/"]
    assert {} in operations["get"]["security"]
    assert {} not in operations["post"]["security"]


def test_read_only_permission_documents_403_for_writes_only() -> None:
    operations = _schema()["paths"]["/read-or-sign-in/"]
    assert "403" not in operations["get"]["responses"]
    assert error_ref(operations["post"], "403") == ENVELOPE


# -- a view with no serializer ---------------------------------------------------------------


def test_view_without_serializer_is_documented_without_bodies() -> None:
    operations = _bare_schema()["paths"]["/bare/"]
    assert operations["get"]["responses"]["200"] == {"description": "No response body"}
    assert operations["post"]["responses"]["200"] == {"description": "No response body"}
    assert operations["delete"]["responses"]["204"] == {"description": "No response body"}
    assert "requestBody" not in operations["post"]


def test_view_without_serializer_warns_instead_of_failing() -> None:
    GENERATOR_STATS._warn_cache.clear()
    _bare_schema()
    warnings = [w for w in GENERATOR_STATS._warn_cache if "NoSerializerView" in w]
    assert warnings
    assert all("declares no serializer" in w for w in warnings)


def test_extend_schema_describes_a_view_without_serializer() -> None:
    GENERATOR_STATS._warn_cache.clear()
    operation = _bare_schema()["paths"]["/described/"]["post"]
    group = {"$ref": "#/components/schemas/Group"}
    assert operation["requestBody"]["content"]["application/json"]["schema"] == group
    assert operation["responses"]["202"]["content"]["application/json"]["schema"] == group
    assert "200" not in operation["responses"]
    assert not [w for w in GENERATOR_STATS._warn_cache if "POST /described/" in w]
