"""Input serializers of the token views (validation only: the views do the I/O)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from rest_framework import serializers

__all__ = ["TokenBlacklistSerializer", "TokenObtainSerializer", "TokenRefreshSerializer"]


class TokenObtainSerializer(serializers.Serializer[Any]):
    """The user model's ``USERNAME_FIELD`` and ``password``."""

    password = serializers.CharField(write_only=True, trim_whitespace=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.username_field: str = get_user_model().USERNAME_FIELD
        self.fields[self.username_field] = serializers.CharField(write_only=True)


class TokenRefreshSerializer(serializers.Serializer[Any]):
    """A refresh token."""

    refresh = serializers.CharField()


class TokenBlacklistSerializer(serializers.Serializer[Any]):
    """A refresh token to revoke, and optionally the access token issued with it."""

    refresh = serializers.CharField()
    access = serializers.CharField(required=False)
