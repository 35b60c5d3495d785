"""``JWTAuthentication``: ``Authorization: Bearer <access token>`` → user, sync and async."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request

from restflow.authentication._config import Config, get_config
from restflow.authentication._proxy import django_attribute
from restflow.authentication.base import BaseAuthentication
from restflow.authentication.exceptions import InvalidToken, TokenError
from restflow.authentication.tokens import AccessToken
from restflow.authentication.users import aget_user, get_user
from restflow.core import async_twin

__all__ = ["JWTAuthentication"]


class JWTAuthentication(BaseAuthentication):
    """Authenticate with an access token in the ``Authorization`` header.

    Returns ``(user, token)``, ``None`` when the header is absent or of another
    type (so the next authenticator may try), and raises :class:`InvalidToken`
    (401, ``authentication_failed``) for anything wrong with a bearer token.
    On the async path (``aauthenticate``) the header and token work runs on
    the event loop and the user query is the only thread hop; blacklist
    checks against LocMem or Redis cost none.
    """

    token_class: type[AccessToken] = AccessToken

    def authenticate(self, request: Request) -> tuple[Any, AccessToken] | None:
        """Sync path: ``(user, token)`` or ``None``."""
        config = get_config()
        token = self._token(request, config)
        if token is None:
            return None
        try:
            if config.blacklist_enabled and config.blacklist.contains(token.jti):
                raise TokenError("The token has been revoked.", "blacklisted")
            user = get_user(token.payload, config)
        except TokenError as error:
            raise InvalidToken.from_error(error) from None
        return user, token

    @async_twin
    async def aauthenticate(self, request: Request) -> tuple[Any, AccessToken] | None:
        """Async path: the token on the loop, at most one thread hop (the user query)."""
        config = get_config()
        token = self._token(request, config)
        if token is None:
            return None
        try:
            if config.blacklist_enabled and await config.blacklist.acontains(token.jti):
                raise TokenError("The token has been revoked.", "blacklisted")
            user = await aget_user(token.payload, config)
        except TokenError as error:
            raise InvalidToken.from_error(error) from None
        return user, token

    def authenticate_header(self, request: Request) -> str:
        """``Bearer realm="api"``: sent as ``WWW-Authenticate`` with every 401."""
        config = get_config()
        return f'{config.header_types[0]} realm="{config.realm}"'

    # -- the I/O-free part shared by both paths --------------------------------------

    def get_raw_token(self, request: Request, config: Config) -> str | None:
        """The token from the header, ``None`` when there is no header of our types.

        Raises :class:`InvalidToken` for a header of our type that is not
        exactly ``<type> <token>``.
        """
        header = django_attribute(request, "META").get(config.header_name)
        if not header:
            return None
        parts = header.split()
        if not parts or parts[0].lower() not in config.header_types_lower:
            return None
        if len(parts) != 2:
            raise InvalidToken(
                f"The {config.header_name} header must be '{parts[0]} <token>'.",
                details={"reason": "malformed_header"},
            )
        return parts[1]

    def _token(self, request: Request, config: Config) -> AccessToken | None:
        raw = self.get_raw_token(request, config)
        if raw is None:
            return None
        try:
            return self.token_class(raw)
        except TokenError as error:
            raise InvalidToken.from_error(error) from None
