"""What the async loop knows about DRF's own classes, switched on by :func:`install`.

Some DRF callables do no blocking I/O once authentication has run eagerly:
they are marked loop-safe and called on the event loop. DRF's default
authenticators get async twins that only take a thread when there is
something to look up. Both are keyed by function identity: a subclass that
overrides one of these methods gets its override, in a thread.
:func:`install` switches this on, once: ``RestflowCoreConfig.ready()`` calls it,
and so does the creation of the first async view class. This module does not
import DRF's views (DRF's settings are resolved there, and must not be while
Django sets up); the dispatch loop knows DRF's exception handler itself.
"""

from __future__ import annotations

import functools
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from rest_framework import permissions, renderers, throttling
from rest_framework.authentication import (
    BasicAuthentication,
    SessionAuthentication,
    get_authorization_header,
)
from rest_framework.request import ForcedAuthentication, Request

from restflow.core.fallback import mark_loop_safe, register_async_twin

_LOOP_SAFE = (
    permissions.BasePermission.has_permission,
    permissions.BasePermission.has_object_permission,
    permissions.AllowAny.has_permission,
    permissions.IsAuthenticated.has_permission,
    permissions.IsAdminUser.has_permission,
    permissions.IsAuthenticatedOrReadOnly.has_permission,
    ForcedAuthentication.authenticate,
    throttling.BaseThrottle.wait,
    throttling.SimpleRateThrottle.wait,
    renderers.JSONRenderer.render,
)


def _on_django_request(request: Request, name: str) -> Any:
    """Attribute ``name`` of the Django request under ``request``, ``None`` if it has none.

    DRF's ``Request`` hands unknown attributes to the Django request through
    ``__getattr__``; asking that proxy directly reaches the Django request's own
    ``user`` too, which DRF's ``user`` property shadows.
    """
    try:
        return Request.__getattr__(request, name)  # type: ignore[attr-defined]
    except AttributeError:
        return None


async def _session_aauthenticate(auth: SessionAuthentication, request: Request) -> Any:
    """``SessionAuthentication.authenticate`` without a thread when nothing needs one."""
    if _on_django_request(request, "user") is None:  # no middleware set a user: nobody
        return None
    auser = _on_django_request(request, "auser")
    if auser is None:  # another middleware's (maybe lazy) user: DRF's way, in a thread
        return await sync_to_async(auth.authenticate, thread_sensitive=True)(request)
    user = await auser()  # Django's AuthenticationMiddleware
    if not user or not user.is_active:
        return None
    safe = request.method in ("GET", "HEAD", "OPTIONS", "TRACE")
    if safe and not settings.CSRF_USE_SESSIONS:
        auth.enforce_csrf(request)  # reads the cookie only
    else:
        await sync_to_async(auth.enforce_csrf, thread_sensitive=True)(request)
    return (user, None)


async def _basic_aauthenticate(auth: BasicAuthentication, request: Request) -> Any:
    """``BasicAuthentication.authenticate``: decline on the loop when there are no credentials."""
    parts = get_authorization_header(request).split()
    if not parts or parts[0].lower() != b"basic":
        return None
    return await sync_to_async(auth.authenticate, thread_sensitive=True)(request)


@functools.cache
def install() -> None:
    """Mark DRF's I/O-free callables loop-safe and register the authenticators' twins (once).

    Without it everything still works: those hooks take a thread hop.
    """
    for func in _LOOP_SAFE:
        mark_loop_safe(func)
    register_async_twin(SessionAuthentication.authenticate, _session_aauthenticate)
    register_async_twin(BasicAuthentication.authenticate, _basic_aauthenticate)
