"""restflow-jwt's token views: request and response bodies, 401 (and 503) documented."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import path
from drf_spectacular.utils import extend_schema

from spectests import error_ref, generate

pytest.importorskip("restflow.authentication", reason="restflow-jwt is not installed")

from restflow.authentication.views import TokenBlacklistView, TokenObtainView, TokenRefreshView

ENVELOPE = "#/components/schemas/ErrorEnvelope"


class CustomObtain(TokenObtainView):
    """A project's own subclass: the hooks are inherited."""


@extend_schema(responses={200: {"type": "string"}})
class OverriddenRefresh(TokenRefreshView):
    """``extend_schema`` on a subclass still wins over the hooks."""


def _schema() -> dict[str, Any]:
    return generate(
        [
            path("token/", TokenObtainView.as_view()),
            path("token/refresh/", TokenRefreshView.as_view()),
            path("token/blacklist/", TokenBlacklistView.as_view()),
            path("custom/", CustomObtain.as_view()),
            path("overridden/", OverriddenRefresh.as_view()),
        ]
    )


def _ref(body: dict[str, Any]) -> str:
    return body["content"]["application/json"]["schema"]["$ref"]


def _component(schema: dict[str, Any], ref: str) -> dict[str, Any]:
    return schema["components"]["schemas"][ref.rsplit("/", 1)[1]]


@pytest.mark.parametrize("route", ["/token/", "/custom/"])
def test_obtain_documents_credentials_in_and_a_token_pair_out(route: str) -> None:
    schema = _schema()
    operation = schema["paths"][route]["post"]
    request = _component(schema, _ref(operation["requestBody"]))
    assert set(request["properties"]) == {"username", "password"}
    assert set(request["required"]) == {"username", "password"}
    pair = _component(schema, _ref(operation["responses"]["200"]))
    assert set(pair["properties"]) == {"refresh", "access"}
    assert set(pair["required"]) == {"refresh", "access"}


def test_refresh_documents_the_access_token_and_the_optional_rotated_refresh() -> None:
    schema = _schema()
    operation = schema["paths"]["/token/refresh/"]["post"]
    assert set(_component(schema, _ref(operation["requestBody"]))["properties"]) == {"refresh"}
    body = _component(schema, _ref(operation["responses"]["200"]))
    assert set(body["properties"]) == {"access", "refresh"}
    assert body["required"] == ["access"]


def test_blacklist_documents_an_empty_object_and_its_503() -> None:
    operation = _schema()["paths"]["/token/blacklist/"]["post"]
    body = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert body == {"type": "object", "additionalProperties": False}
    assert operation["responses"]["200"]["description"] != "No response body"
    assert error_ref(operation, "503") == ENVELOPE


@pytest.mark.parametrize("route", ["/token/", "/token/refresh/", "/token/blacklist/", "/custom/"])
def test_token_views_document_401_and_400_with_the_envelope(route: str) -> None:
    operation = _schema()["paths"][route]["post"]
    assert error_ref(operation, "401") == ENVELOPE
    assert error_ref(operation, "400") == ENVELOPE
    assert "403" not in operation["responses"]


def test_obtain_documents_the_429_of_its_login_throttles() -> None:
    schema = _schema()
    assert error_ref(schema["paths"]["/token/"]["post"], "429") == ENVELOPE
    assert "429" not in schema["paths"]["/token/refresh/"]["post"]["responses"]


def test_obtain_401_uses_the_views_description() -> None:
    responses = _schema()["paths"]["/token/"]["post"]["responses"]
    assert responses["401"]["description"] == TokenObtainView.schema_error_responses[401]


def test_extend_schema_on_a_subclass_overrides_the_hooks() -> None:
    operation = _schema()["paths"]["/overridden/"]["post"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "type": "string"
    }
    assert error_ref(operation, "401") == ENVELOPE


def test_token_schema_validates_against_openapi_3_spec() -> None:
    validator = pytest.importorskip(
        "openapi_spec_validator", reason="openapi-spec-validator is not installed"
    )
    validator.validate(_schema())
