"""OPTIONS on restflow's views: described like DRF, never a 500 for a view without a serializer.

Every restflow view has ``get_serializer``, which DRF's ``SimpleMetadata``
calls to describe ``POST``/``PUT`` bodies; on a view with no serializer class
that raised ``ImproperlyConfigured`` and a client's ``OPTIONS`` got a 500.
Sync and async views side by side, plain views and service views.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.test import override_settings
from rest_framework import serializers
from rest_framework.metadata import SimpleMetadata
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory

from restflow.services import AsyncServiceCreateView, ServiceCreateView, ServiceSpec
from restflow.views import APIView, AsyncAPIView
from restflow.views.metadata import TolerantActionsMixin, tolerant_metadata_class

MODES = pytest.mark.parametrize("mode", ["sync", "async"])


class Parcel(serializers.Serializer):
    weight = serializers.IntegerField(min_value=1)


def _view(mode: str, **attrs: Any) -> type:
    base: type = AsyncAPIView if mode == "async" else APIView
    attrs.setdefault("authentication_classes", [])
    attrs.setdefault("permission_classes", [])
    if mode == "async":

        async def post(self: Any, request: Any) -> Response:
            return Response({})
    else:

        def post(self: Any, request: Any) -> Response:  # type: ignore[misc]
            return Response({})

    return type(f"Post{mode.title()}", (base,), {"post": post, **attrs})


def options(view: type) -> tuple[int, Any]:
    response = view.as_view()(APIRequestFactory().options("/x/"))  # type: ignore[attr-defined]
    if view.view_is_async:  # type: ignore[attr-defined]
        pending = response

        async def finish() -> Any:
            return await pending

        response = async_to_sync(finish)()
    response.render()
    return response.status_code, json.loads(response.content) if response.content else None


@MODES
def test_a_view_without_a_serializer_answers_options_without_actions(mode: str) -> None:
    status, body = options(_view(mode))
    assert status == 200
    assert body["name"] == f"Post {mode.title()}"
    assert "actions" not in body


@MODES
def test_a_view_with_a_serializer_still_describes_its_post_body(mode: str) -> None:
    status, body = options(_view(mode, serializer_class=Parcel))
    assert status == 200
    assert body["actions"]["POST"]["weight"]["type"] == "integer"


@MODES
def test_default_metadata_class_is_read_per_request(mode: str) -> None:
    with override_settings(REST_FRAMEWORK={"DEFAULT_METADATA_CLASS": None}):
        status, _ = options(_view(mode))
    assert status == 405


def quote(*, data: dict[str, Any]) -> dict[str, Any]:
    return data


async def aquote(*, data: dict[str, Any]) -> dict[str, Any]:
    return data


@pytest.mark.parametrize(
    ("base", "service"),
    [(ServiceCreateView, quote), (AsyncServiceCreateView, aquote)],
    ids=["sync", "async"],
)
def test_a_service_view_describes_its_specs_input_serializer(base: type, service: Any) -> None:
    view = type(
        "Quote",
        (base,),
        {
            "authentication_classes": [],
            "permission_classes": [],
            "spec": ServiceSpec(service=service, input_serializer=Parcel, atomic=False),
        },
    )
    status, body = options(view)
    assert status == 200
    assert set(body["actions"]["POST"]) == {"weight"}


def test_the_tolerant_class_keeps_the_configured_class_and_is_built_once() -> None:
    class Custom(SimpleMetadata):
        pass

    built = tolerant_metadata_class(Custom)
    assert issubclass(built, Custom) and issubclass(built, TolerantActionsMixin)
    assert built.__name__ == "Custom" and tolerant_metadata_class(Custom) is built
    assert tolerant_metadata_class(built) is built
