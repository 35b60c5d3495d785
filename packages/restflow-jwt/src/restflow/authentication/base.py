"""``BaseAuthentication``: DRF's base authenticator with an async surface."""

from __future__ import annotations

from typing import Any

from rest_framework import authentication
from rest_framework.request import Request

from restflow.core import acall, async_twin

__all__ = ["BaseAuthentication"]


class BaseAuthentication(authentication.BaseAuthentication):
    """Subclass it and implement ``authenticate`` (and ``authenticate_header``) as with DRF.

    ``aauthenticate`` answers through ``authenticate`` (one thread hop; none when it is
    marked ``restflow.core.mark_loop_safe``), so async views and user code can await
    either side; override ``aauthenticate`` for a native async path. restflow's own
    authenticators build on it: a subclass that overrides only ``authenticate`` gets its
    override on the async path too.
    """

    @async_twin
    async def aauthenticate(self, request: Request) -> tuple[Any, Any] | None:
        """Async surface of ``authenticate``: the sync method in a thread."""
        result: tuple[Any, Any] | None = await acall(self.authenticate, request)
        return result
