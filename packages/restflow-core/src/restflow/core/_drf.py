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


async def _session_aauthenticate(auth: SessionAuthentication, request: Request) -> Any:
    """``SessionAuthentication.authenticate`` without a thread when nothing needs one."""
    django_request = request._request
    auser = getattr(django_request, "auser", None)
    if auser is not None:  # Django's AuthenticationMiddleware
        user = await auser()
    elif "user" in django_request.__dict__:  # another middleware's (maybe lazy) user
        return await sync_to_async(auth.authenticate, thread_sensitive=True)(request)
    else:
        return None
    if not user or not user.is_active:
        return None
    safe = django_request.method in ("GET", "HEAD", "OPTIONS", "TRACE")
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
