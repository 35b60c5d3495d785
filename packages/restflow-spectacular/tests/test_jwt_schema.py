"""restflow-jwt: ``JWTAuthentication`` is documented as a bearer security scheme."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import path
from rest_framework.permissions import IsAuthenticated

from restflow.core import AsyncAPIView
from spectests import error_ref, generate

pytest.importorskip("restflow.authentication", reason="restflow-jwt is not installed")

from restflow.authentication.jwt_authentication import JWTAuthentication


class Profile(AsyncAPIView):
    authentication_classes = [JWTAuthentication]
    permission_classes = [IsAuthenticated]

    async def get(self, request: Any) -> Any:
        raise NotImplementedError


def _schema() -> dict[str, Any]:
    return generate([path("me/", Profile.as_view())])


def test_jwt_authentication_registers_a_bearer_scheme() -> None:
    schemes = _schema()["components"]["securitySchemes"]
    assert schemes == {"jwtAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}


def test_protected_operation_requires_the_bearer_scheme_and_documents_401_403() -> None:
    operation = _schema()["paths"]["/me/"]["get"]
    assert operation["security"] == [{"jwtAuth": []}]
    assert error_ref(operation, "401") == "#/components/schemas/ErrorEnvelope"
    assert error_ref(operation, "403") == "#/components/schemas/ErrorEnvelope"
