"""Token errors: ``TokenError`` for code, ``InvalidToken`` (401) for HTTP clients."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions as drf_exceptions
from rest_framework import status

from restflow.exceptions import APIException, ErrorCode

__all__ = ["InvalidToken", "TokenError"]


class TokenError(Exception):
    """A token failed to decode or validate; ``reason`` is a short machine-readable word.

    Reasons: ``malformed``, ``too_long``, ``algorithm``, ``signature``,
    ``expired``, ``not_yet_valid``, ``issuer``, ``audience``, ``token_type``,
    ``claims``, ``blacklisted``, ``user``.
    """

    def __init__(self, message: str, reason: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason


class InvalidToken(APIException, drf_exceptions.AuthenticationFailed):
    """401 ``authentication_failed`` in the error envelope, with ``details.reason``.

    A subclass of DRF's ``AuthenticationFailed``, so views add the
    ``WWW-Authenticate`` header as for any authentication failure.
    """

    code = ErrorCode.AUTHENTICATION_FAILED
    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = _("The token is invalid or expired.")

    @classmethod
    def from_error(cls, error: TokenError) -> InvalidToken:
        """Wrap a :class:`TokenError` for the client."""
        return cls(error.message, details={"reason": error.reason})
