"""Settings-dependent state, resolved once and refreshed when settings change."""

from __future__ import annotations

from typing import Any

from django.core.signals import setting_changed

from restflow.caching.stores import reset_stores

__all__ = ["current_epoch"]

_EPOCH = [0]


def current_epoch() -> int:
    """A counter bumped whenever ``CACHES`` or ``RESTFLOW_SETTINGS`` change."""
    return _EPOCH[0]


def _on_setting_changed(setting: str, **kwargs: Any) -> None:
    if setting in ("CACHES", "RESTFLOW_SETTINGS"):
        reset_stores()
        _EPOCH[0] += 1


setting_changed.connect(_on_setting_changed, dispatch_uid="restflow.caching.runtime")
