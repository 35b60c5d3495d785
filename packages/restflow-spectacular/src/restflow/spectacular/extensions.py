"""drf-spectacular extensions registered when their restflow sibling is installed."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension

__all__ = ["JWTBearerScheme"]


class JWTBearerScheme(OpenApiAuthenticationExtension):
    """restflow-jwt's ``JWTAuthentication`` as an HTTP bearer (JWT) security scheme."""

    target_class = "restflow.authentication.jwt_authentication.JWTAuthentication"
    name = "jwtAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        """The ``bearer`` scheme with ``bearerFormat: JWT``."""
        return {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
