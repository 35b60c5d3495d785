"""``OPTIONS`` answers for restflow's views: a view without a serializer lists no actions.

DRF's :class:`~rest_framework.metadata.SimpleMetadata` describes the ``POST``
and ``PUT`` bodies of any view that has ``get_serializer`` — which every
restflow view has, configured or not. On a view without a serializer class
that call raises ``ImproperlyConfigured``, and a client's ``OPTIONS`` would
get a 500. restflow's views therefore read ``DEFAULT_METADATA_CLASS`` (on
each access, so ``override_settings`` is honoured) and, when it derives from
``SimpleMetadata``, use it with :class:`TolerantActionsMixin` in front: the
same answer, without ``actions`` when the serializer cannot be determined.
A ``metadata_class`` set on a view is used as it is.
"""

from __future__ import annotations

import functools
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from rest_framework.metadata import SimpleMetadata

__all__ = ["TolerantActionsMixin", "tolerant_metadata_class"]


class TolerantActionsMixin:
    """``determine_actions`` without actions when the view has no serializer class."""

    def determine_actions(self, request: Any, view: Any) -> dict[str, Any]:
        """The parent's actions, or none when the view's serializer is not configured."""
        try:
            actions: dict[str, Any] = super().determine_actions(request, view)  # type: ignore[misc]
        except ImproperlyConfigured:
            return {}
        return actions


@functools.cache
def tolerant_metadata_class(metadata_class: type) -> type:
    """``metadata_class`` with :class:`TolerantActionsMixin` in front (``SimpleMetadata`` kinds)."""
    if not issubclass(metadata_class, SimpleMetadata) or issubclass(
        metadata_class, TolerantActionsMixin
    ):
        return metadata_class
    attrs = {"__module__": metadata_class.__module__, "__qualname__": metadata_class.__qualname__}
    return type(metadata_class.__name__, (TolerantActionsMixin, metadata_class), attrs)
