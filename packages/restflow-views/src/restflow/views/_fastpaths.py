"""The fast paths of restflow.views, each with its public path beside it.

Every fast path here is checked once, at import, and replaced by its public
path when the internal it relies on is missing or has another shape;
``RESTFLOW_FAST_PATHS=0`` in the environment (read at import) turns them all off.

- **Forgetting an updated instance's prefetched relations**
  (:func:`forget_prefetched`): after an update, relations prefetched with the
  instance may be stale, so DRF's ``UpdateModelMixin`` empties Django's
  ``_prefetched_objects_cache`` of the instance. The public path is
  ``refresh_from_db()``, which Django documents as clearing cached relations,
  at the cost of one more query per update.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from restflow.core._fastpaths import ENABLED  # the one reading of RESTFLOW_FAST_PATHS

__all__ = ["ENABLED", "FORGET_PREFETCHED", "forget_prefetched"]


_PREFETCHED = "_prefetched_objects_cache"

# Django keeps prefetched relations in this attribute as long as refresh_from_db() resets it.
FORGET_PREFETCHED = ENABLED and _PREFETCHED in Model.refresh_from_db.__code__.co_names


def _drop_prefetched(instance: Any) -> None:
    if getattr(instance, "_prefetched_objects_cache", None):
        instance._prefetched_objects_cache = {}


def forget_prefetched(instance: Any) -> bool:
    """Drop the prefetched relations of ``instance``; ``False`` when the caller must refresh it.

    ``False`` (this fast path off) means: call ``instance.refresh_from_db()``
    (or ``arefresh_from_db()``), the public way to the same end.
    """
    if not FORGET_PREFETCHED:
        return False
    _drop_prefetched(instance)
    return True
