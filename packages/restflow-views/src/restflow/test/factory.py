"""AsyncAPIRequestFactory: ASGI requests with JSON bodies by default."""

from __future__ import annotations

from typing import Any

from django.test.client import AsyncRequestFactory

_JSON = "application/json"


def force_authenticate(request: Any, user: Any = None, token: Any = None) -> Any:
    """Make DRF's request wrapper authenticate ``request`` as ``user``/``token``.

    Bypasses the view's authenticator chain (DRF's own ``force_authenticate``);
    returns ``request`` for chaining.
    """
    # Imported here, not at the top: rest_framework.test reads DRF's settings while it
    # loads, and this module loads with restflow's pytest plugin, before settings exist.
    from rest_framework.test import force_authenticate as drf_force_authenticate

    drf_force_authenticate(request, user, token)
    return request


class _JSONDefaultMixin:
    """Encode ``data`` as JSON unless the caller names another content type."""

    default_content_type = _JSON

    def post(self, path: str, data: Any = None, content_type: str | None = None, **kw: Any) -> Any:
        return super().post(path, data, content_type or self.default_content_type, **kw)  # type: ignore[misc]

    def put(self, path: str, data: Any = "", content_type: str | None = None, **kw: Any) -> Any:
        return super().put(path, data, content_type or self.default_content_type, **kw)  # type: ignore[misc]

    def patch(self, path: str, data: Any = "", content_type: str | None = None, **kw: Any) -> Any:
        return super().patch(path, data, content_type or self.default_content_type, **kw)  # type: ignore[misc]

    def delete(self, path: str, data: Any = "", content_type: str | None = None, **kw: Any) -> Any:
        return super().delete(path, data, content_type or self.default_content_type, **kw)  # type: ignore[misc]


class AsyncAPIRequestFactory(_JSONDefaultMixin, AsyncRequestFactory):  # type: ignore[misc]
    """Build ASGI requests for calling ``View.as_view()`` directly; JSON bodies by default."""
