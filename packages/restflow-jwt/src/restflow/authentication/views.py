"""``TokenObtainView``, ``TokenRefreshView``, ``TokenBlacklistView``: async, on the core loop.

They need no authentication, allow anyone, answer errors in restflow's
envelope, and carry ``throttle_scope = "jwt"`` so ``ScopedRateThrottle``
(with a ``"jwt"`` rate) or any throttle in DRF's settings limits them.
``TokenObtainView`` also limits login attempts per client address and per
username (``restflow.authentication.throttling``).

For schema generators they expose duck-typed hooks (no schema library is
imported here): ``get_request_serializer_class()`` (the body they accept),
``get_response_serializer_class()`` (the shape of the 200 body) and
``schema_error_responses`` (the errors no authentication class implies).
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from django.contrib.auth import aauthenticate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions as drf_exceptions
from rest_framework import serializers, status
from rest_framework import views as drf_views
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer

from restflow.authentication._config import get_config
from restflow.authentication.exceptions import InvalidToken, TokenError
from restflow.authentication.serializers import (
    TokenBlacklistSerializer,
    TokenObtainSerializer,
    TokenRefreshSerializer,
)
from restflow.authentication.settings import jwt_settings
from restflow.authentication.throttling import DefaultThrottlesAndLogin
from restflow.authentication.tokens import AccessToken, RefreshToken
from restflow.authentication.users import aget_user
from restflow.core import BaseAsyncAPIView
from restflow.exceptions import APIException, ErrorCode, exception_handler

__all__ = [
    "TokenBlacklistResponseSerializer",
    "TokenBlacklistView",
    "TokenObtainResponseSerializer",
    "TokenObtainView",
    "TokenRefreshResponseSerializer",
    "TokenRefreshView",
]

_BAD_TOKEN = "The token is invalid, expired or revoked, or its user is inactive."
#: Reasons that say a body field is not a token at all: a 400 on that field, not a 401.
_MALFORMED = frozenset({"malformed", "too_long"})
_T = TypeVar("_T", AccessToken, RefreshToken)


class TokenObtainResponseSerializer(serializers.Serializer[Any]):
    """The body ``TokenObtainView`` answers: a new token pair."""

    refresh = serializers.CharField(help_text="A refresh token.")
    access = serializers.CharField(help_text="An access token.")


class TokenRefreshResponseSerializer(serializers.Serializer[Any]):
    """The body ``TokenRefreshView`` answers: ``refresh`` only with ``ROTATE_REFRESH_TOKENS``."""

    access = serializers.CharField(help_text="A new access token.")
    refresh = serializers.CharField(
        required=False, help_text="The new refresh token, when refresh tokens rotate."
    )


class TokenBlacklistResponseSerializer(serializers.Serializer[Any]):
    """The body ``TokenBlacklistView`` answers: ``{}``."""


class BlacklistDisabled(APIException):
    """503: ``BLACKLIST_ENABLED`` is off, so revoking a token would have no effect."""

    code = ErrorCode.SERVICE_UNAVAILABLE
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = _(
        "Token blacklisting is disabled (RESTFLOW_SETTINGS['JWT']['BLACKLIST_ENABLED'])."
    )


class TokenView(BaseAsyncAPIView):
    """Base of the token views: validate the body with ``serializer_class``, then ``ahandle``."""

    authentication_classes: Any = []
    permission_classes: Any = [AllowAny]
    throttle_scope = "jwt"
    serializer_class: type[Serializer[Any]]
    #: The shape of the 200 body (the view builds it; schema generators document it).
    response_serializer_class: type[Serializer[Any]]
    #: ``{status: description}`` of the errors no authentication class implies.
    schema_error_responses: ClassVar[dict[int, str]] = {401: _BAD_TOKEN}

    def get_exception_handler(self) -> Any:
        """restflow's envelope, unless the project configured its own handler."""
        handler = super().get_exception_handler()
        return exception_handler if handler is drf_views.exception_handler else handler

    def get_authenticate_header(self, request: Request) -> str:
        """``Bearer realm="api"``: a refused credential is a 401 (DRF would make it a 403)."""
        config = get_config()
        return f'{config.header_types[0]} realm="{config.realm}"'

    def get_request_serializer_class(self) -> type[Serializer[Any]]:
        """The serializer that validates the body: ``serializer_class``."""
        return self.serializer_class

    def get_response_serializer_class(self) -> type[Serializer[Any]]:
        """The shape of the 200 body: ``response_serializer_class``."""
        return self.response_serializer_class

    def get_serializer(self, *args: Any, **kwargs: Any) -> Serializer[Any]:
        """The request serializer with the request and view in its context."""
        kwargs.setdefault("context", {"request": self.request, "view": self})
        return self.get_request_serializer_class()(*args, **kwargs)

    async def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Validate the body and answer with the tokens ``ahandle`` returns."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            data = await self.ahandle(request, serializer.validated_data)
        except TokenError as error:
            raise InvalidToken.from_error(error) from None
        return Response(data, status=status.HTTP_200_OK)

    async def ahandle(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        """The view's work on validated input; returns the response body."""
        raise NotImplementedError

    @staticmethod
    def read_token(token_class: type[_T], data: dict[str, Any], field: str) -> _T:
        """Verify ``data[field]`` as a ``token_class``.

        A value that is not a token at all (not three base64url JSON segments,
        nested too deeply to decode, over ``MAX_TOKEN_LENGTH``) is a 400
        ``validation_error`` on ``field``; a token that fails verification
        raises :class:`TokenError` (the view's 401).
        """
        try:
            return token_class(data[field])
        except TokenError as error:
            if error.reason in _MALFORMED:
                raise drf_exceptions.ValidationError({field: [error.message]}) from None
            raise


class TokenObtainView(TokenView):
    """``POST {<USERNAME_FIELD>, password}`` → ``{"refresh", "access"}``; 401 for bad credentials.

    The credential fields are the user model's ``USERNAME_FIELD`` and ``password``.

    Throttled by ``DEFAULT_THROTTLE_CLASSES`` and the login throttles (per
    address, per username): a 429 ``throttled`` with ``Retry-After`` beyond
    the rate. Replace ``throttle_classes`` to choose otherwise.
    """

    throttle_classes: Any = DefaultThrottlesAndLogin()
    serializer_class = TokenObtainSerializer
    response_serializer_class = TokenObtainResponseSerializer
    schema_error_responses: ClassVar[dict[int, str]] = {
        401: "No active account found with the given credentials."
    }

    @classmethod
    def get_token(cls, user: Any) -> RefreshToken:
        """The refresh token for ``user``; override to add claims (they pass to access tokens)."""
        return RefreshToken.for_user(user)

    async def ahandle(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        """Check the credentials (one thread hop) and issue a token pair."""
        credentials = dict(data)
        # DRF's Request stands for Django's (it proxies it), as in DRF's own authenticators
        user: Any = await aauthenticate(request=request, **credentials)
        if not jwt_settings.USER_AUTHENTICATION_RULE(user):
            raise drf_exceptions.AuthenticationFailed(
                _("No active account found with the given credentials.")
            )
        if get_config().update_last_login:
            # what django.contrib.auth.models.update_last_login does (that module cannot be
            # imported here: this one may be imported while Django loads the apps)
            user.last_login = timezone.now()
            await user.asave(update_fields=["last_login"])
        refresh = self.get_token(user)
        return {"refresh": str(refresh), "access": str(refresh.access_token)}


class TokenRefreshView(TokenView):
    """``POST {refresh}`` → ``{"access"}`` (and a new ``"refresh"`` with ``ROTATE_REFRESH_TOKENS``).

    A revoked refresh token, or one whose user is gone or inactive, is a 401.
    With rotation and blacklisting on, the old refresh token is blacklisted
    atomically: of two concurrent refreshes with one token at most one wins.
    """

    serializer_class = TokenRefreshSerializer
    response_serializer_class = TokenRefreshResponseSerializer

    async def ahandle(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        """Verify the refresh token, check its user, and issue the new token(s)."""
        config = get_config()
        refresh = self.read_token(RefreshToken, data, "refresh")
        await refresh.acheck_blacklist()
        await aget_user(refresh.payload, config)
        if not config.rotate:
            return {"access": str(refresh.access_token)}
        rotated = await refresh.arotate()
        return {"access": str(rotated.access_token), "refresh": str(rotated)}


class TokenBlacklistView(TokenView):
    """``POST {refresh[, access]}`` → ``{}``: revoke the token(s) until they expire (logout)."""

    serializer_class = TokenBlacklistSerializer
    response_serializer_class = TokenBlacklistResponseSerializer
    schema_error_responses: ClassVar[dict[int, str]] = {
        401: _BAD_TOKEN,
        503: "Token blacklisting is disabled.",
    }

    async def ahandle(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        """Verify the token(s) and blacklist them; an already revoked refresh token is a 401."""
        if not get_config().blacklist_enabled:
            raise BlacklistDisabled()
        refresh = self.read_token(RefreshToken, data, "refresh")
        access = self.read_token(AccessToken, data, "access") if data.get("access") else None
        if not await refresh.ablacklist():
            raise TokenError("The token has been revoked.", "blacklisted")
        if access is not None:
            await access.ablacklist()
        return {}
