"""The JWT endpoints, with their responses documented in the OpenAPI schema.

restflow-jwt's views as they are; ``extend_schema`` adds what the generated schema
does not say by itself: the token bodies of the 200 and the 401 for bad credentials.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers

from example.errors import error_response
from restflow.authentication.views import TokenBlacklistView, TokenObtainView, TokenRefreshView


class TokenPairSerializer(serializers.Serializer[Any]):
    """``{"refresh", "access"}``: a new pair of tokens."""

    refresh = serializers.CharField()
    access = serializers.CharField()


class AccessTokenSerializer(serializers.Serializer[Any]):
    """``{"access"}``, and a new refresh token when refresh tokens rotate."""

    access = serializers.CharField()
    refresh = serializers.CharField(required=False)


_REFUSED = {
    400: error_response("Invalid input."),
    401: error_response("Bad credentials, or a token that is invalid, expired or revoked."),
}


@extend_schema(responses={200: TokenPairSerializer, **_REFUSED})
class LoginView(TokenObtainView):
    """``POST /api/auth/token/``: ``{"username", "password"}`` -> ``{"refresh", "access"}``."""


@extend_schema(responses={200: AccessTokenSerializer, **_REFUSED})
class RefreshView(TokenRefreshView):
    """``POST /api/auth/refresh/``: ``{"refresh"}`` -> ``{"access"}``."""


@extend_schema(
    responses={
        200: OpenApiResponse(response={"type": "object"}, description="Revoked: `{}`."),
        **_REFUSED,
        503: error_response("The blacklist is turned off."),
    }
)
class LogoutView(TokenBlacklistView):
    """``POST /api/auth/blacklist/``: ``{"refresh"[, "access"]}`` revokes the tokens."""
