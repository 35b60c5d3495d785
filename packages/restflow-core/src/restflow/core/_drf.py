"""DRF callables that do no blocking I/O once authentication has run eagerly.

The async dispatch loop calls these on the event loop instead of in a
thread. Only DRF's own functions are listed; a subclass that overrides one
of these methods gets the override, which is not marked, and so a thread.
"""

from __future__ import annotations

from rest_framework import permissions, renderers, throttling, views
from rest_framework.request import ForcedAuthentication

from restflow.core.fallback import mark_loop_safe

for _func in (
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
    views.exception_handler,
):
    mark_loop_safe(_func)
