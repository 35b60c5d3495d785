"""Views of the test app: one protected endpoint per authenticator, sync and async."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle, ScopedRateThrottle
from rest_framework.views import APIView

from restflow.authentication import (
    BasicAuthentication,
    JWTAuthentication,
    RemoteUserAuthentication,
    SessionAuthentication,
    TokenAuthentication,
)
from restflow.authentication.views import TokenObtainView
from restflow.core import AsyncAPIView


def _whoami(request: Request) -> Response:
    auth: Any = request.auth
    return Response(
        {
            "user": request.user.get_username(),
            "jti": auth.jti if hasattr(auth, "jti") else None,
        }
    )


class JWTSyncView(APIView):
    authentication_classes = [JWTAuthentication]
    permission_classes = [IsAuthenticated]

    def get(self, request: Request) -> Response:
        return _whoami(request)


class JWTAsyncView(AsyncAPIView):
    authentication_classes = [JWTAuthentication]
    permission_classes = [IsAuthenticated]

    async def get(self, request: Request) -> Response:
        return _whoami(request)


def _async_view(*authenticators: type) -> Any:
    class View(AsyncAPIView):
        authentication_classes = list(authenticators)
        permission_classes = [IsAuthenticated]

        async def get(self, request: Request) -> Response:
            return _whoami(request)

        async def post(self, request: Request) -> Response:
            return _whoami(request)

    return View


def _sync_view(*authenticators: type) -> Any:
    class View(APIView):
        authentication_classes = list(authenticators)
        permission_classes = [IsAuthenticated]

        def get(self, request: Request) -> Response:
            return _whoami(request)

        def post(self, request: Request) -> Response:
            return _whoami(request)

    return View


STANDARD = {
    "basic": BasicAuthentication,
    "token": TokenAuthentication,
    "session": SessionAuthentication,
    "remote": RemoteUserAuthentication,
}
ASYNC_STANDARD_VIEWS = {name: _async_view(cls) for name, cls in STANDARD.items()}
SYNC_STANDARD_VIEWS = {name: _sync_view(cls) for name, cls in STANDARD.items()}


class JWTScopedThrottle(ScopedRateThrottle):
    """``ScopedRateThrottle`` with a ``jwt`` rate of 2/minute (the token views' scope)."""

    THROTTLE_RATES = {"jwt": "2/min"}


class CountersThrottle(BaseThrottle):
    """A project's throttle counting in the ``blacklist`` cache alias (``cache_alias``, duck-typed)."""

    cache_alias = "blacklist"

    def allow_request(self, request: Any, view: Any) -> bool:
        return True


class ThrottledTokenObtainView(TokenObtainView):
    throttle_classes = [JWTScopedThrottle]


def simplejwt_views() -> tuple[Any, Any]:
    """The simplejwt-protected pair, built when the URLconf loads (simplejwt reads settings)."""
    from restflow.authentication.simplejwt import SimpleJWTAuthentication

    return _sync_view(SimpleJWTAuthentication), _async_view(SimpleJWTAuthentication)
