"""AsyncAPIClient: Django's async test client with DRF-style auth helpers."""

from __future__ import annotations

from typing import Any

from django.test.client import AsyncClient, AsyncClientHandler

from restflow.test._headers import _as_headers
from restflow.test.factory import _JSONDefaultMixin, force_authenticate


class _ForceAuthHandler(AsyncClientHandler):
    """Attach the client's forced user/token to every request it handles."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.forced_user: Any = None
        self.forced_token: Any = None
        super().__init__(*args, **kwargs)

    async def get_response_async(self, request: Any) -> Any:
        if self.forced_user is not None or self.forced_token is not None:
            force_authenticate(request, self.forced_user, self.forced_token)
        return await super().get_response_async(request)


class AsyncAPIClient(_JSONDefaultMixin, AsyncClient):  # type: ignore[misc]
    """Async test client for restflow views: JSON bodies, credentials, forced auth.

    ``await client.post("/x/", {"a": 1})`` sends JSON. ``credentials(HTTP_AUTHORIZATION=...)``
    (or header names) adds headers to every later request; ``force_authenticate(user=,
    token=)`` bypasses the authenticators; ``logout()`` clears both and the session.
    """

    handler: _ForceAuthHandler

    def __init__(self, enforce_csrf_checks: bool = False, **defaults: Any) -> None:
        super().__init__(enforce_csrf_checks=enforce_csrf_checks, **defaults)
        self.handler = _ForceAuthHandler(enforce_csrf_checks)
        self._credentials: dict[str, str] = {}

    def credentials(self, **kwargs: str) -> None:
        """Send these headers with every request; a call replaces the previous set."""
        self._credentials = _as_headers(kwargs)

    def force_authenticate(self, user: Any = None, token: Any = None) -> None:
        """Authenticate every request as ``user``/``token``; ``None`` for both turns it off."""
        self.handler.forced_user = user
        self.handler.forced_token = token

    async def alogout(self) -> None:
        """Clear credentials, forced authentication and the session."""
        self._credentials = {}
        self.force_authenticate(None, None)
        await super().alogout()

    def logout(self) -> None:
        """Sync twin of :meth:`alogout` (clears the session through the sync ORM)."""
        self._credentials = {}
        self.force_authenticate(None, None)
        super().logout()

    def generic(  # type: ignore[override]
        self, method: str, path: str, *args: Any, headers: Any = None, **kw: Any
    ) -> Any:
        if self._credentials:
            headers = {**self._credentials, **(headers or {})}
        return super().generic(method, path, *args, headers=headers, **kw)
