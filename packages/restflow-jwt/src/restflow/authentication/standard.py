"""DRF's Basic, Token, Session and RemoteUser authentication with native async twins.

Each class is DRF's, unchanged on the sync path, and a ``BaseAuthentication``: a
subclass that overrides only ``authenticate`` gets its override on the async path. ``aauthenticate`` reads the
request on the event loop, declines without a thread hop when the request
carries no credentials of its kind, and takes one hop for the lookup.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib import auth as django_auth
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication as drf
from rest_framework import exceptions
from rest_framework.request import Request

from restflow.authentication._proxy import django_attribute
from restflow.authentication.base import BaseAuthentication
from restflow.core import async_twin

__all__ = [
    "BasicAuthentication",
    "RemoteUserAuthentication",
    "SessionAuthentication",
    "TokenAuthentication",
]

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class BasicAuthentication(BaseAuthentication, drf.BasicAuthentication):
    """HTTP Basic authentication; the async path declines on the loop without credentials."""

    @async_twin
    async def aauthenticate(self, request: Request) -> tuple[Any, Any] | None:
        """Async twin of ``authenticate``: password checks run in one thread hop."""
        parts = drf.get_authorization_header(request).split()
        if not parts or parts[0].lower() != b"basic":
            return None
        return await sync_to_async(self.authenticate, thread_sensitive=True)(request)


class TokenAuthentication(BaseAuthentication, drf.TokenAuthentication):
    """DRF's token authentication (``Authorization: Token <key>``) with an async lookup."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        """Sync path: DRF's behaviour."""
        key = self.get_key(request)
        return None if key is None else self.authenticate_credentials(key)

    @async_twin
    async def aauthenticate(self, request: Request) -> tuple[Any, Any] | None:
        """Async twin of ``authenticate``: the header on the loop, one hop for the query."""
        key = self.get_key(request)
        if key is None:
            return None
        if (
            type(self).authenticate_credentials
            is not drf.TokenAuthentication.authenticate_credentials
        ):
            return await sync_to_async(self.authenticate_credentials, thread_sensitive=True)(key)
        model: Any = self.get_model()
        try:
            token = await model.objects.select_related("user").aget(key=key)
        except model.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return token.user, token

    def get_key(self, request: Request) -> str | None:
        """The key from the header, ``None`` for another scheme; raises for a malformed header."""
        parts = drf.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) == 1:
            raise exceptions.AuthenticationFailed(
                _("Invalid token header. No credentials provided.")
            )
        if len(parts) > 2:
            raise exceptions.AuthenticationFailed(
                _("Invalid token header. Token string should not contain spaces.")
            )
        try:
            return parts[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(
                _("Invalid token header. Token string should not contain invalid characters.")
            ) from None


class SessionAuthentication(BaseAuthentication, drf.SessionAuthentication):
    """Django's session, with CSRF enforced as DRF does; async through ``request.auser()``."""

    @async_twin
    async def aauthenticate(self, request: Request) -> tuple[Any, Any] | None:
        """Async twin of ``authenticate`` (needs Django's ``AuthenticationMiddleware``).

        Without the middleware there is no session user and it declines on
        the loop; a user set by another middleware is read in a thread.
        """
        auser = django_attribute(request, "auser")
        if auser is None:
            if django_attribute(request, "user") is not None:
                return await sync_to_async(self.authenticate, thread_sensitive=True)(request)
            return None
        user = await auser()
        if not user or not user.is_active:
            return None
        if request.method in _SAFE_METHODS and not settings.CSRF_USE_SESSIONS:
            self.enforce_csrf(request)  # GET-like requests only read the cookie
        else:
            await sync_to_async(self.enforce_csrf, thread_sensitive=True)(request)
        return user, None


class RemoteUserAuthentication(BaseAuthentication, drf.RemoteUserAuthentication):
    """``REMOTE_USER`` set by the web server; the async path uses ``django.contrib.auth.aauthenticate``."""

    @async_twin
    async def aauthenticate(self, request: Request) -> tuple[Any, Any] | None:
        """Async twin of ``authenticate``: declines on the loop when the header is absent."""
        remote_user = request.META.get(self.header)
        if not remote_user:
            return None
        user = await django_auth.aauthenticate(request=request, remote_user=remote_user)
        if user and user.is_active:
            return user, None
        return None
