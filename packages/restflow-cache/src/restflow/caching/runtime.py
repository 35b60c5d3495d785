"""Settings-dependent state, resolved once and refreshed when settings change."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.signals import setting_changed

from restflow.caching.stores import LocMemStore, Store, get_store, reset_stores

if TYPE_CHECKING:
    from restflow.caching.wrapper import CachedWrapper

__all__ = ["UNSET", "Runtime", "Ttl", "current_epoch"]

Ttl = int | float | None | Callable[[Any], int | float | None]
UNSET: Any = object()
"""An option left unset (its default comes from ``CACHE_SETTINGS``)."""

_EPOCH = [0]


def current_epoch() -> int:
    """A counter bumped whenever ``CACHES`` or ``RESTFLOW_SETTINGS`` change."""
    return _EPOCH[0]


def _on_setting_changed(setting: str, **kwargs: Any) -> None:
    if setting in ("CACHES", "RESTFLOW_SETTINGS"):
        reset_stores()
        _EPOCH[0] += 1


setting_changed.connect(_on_setting_changed, dispatch_uid="restflow.caching.runtime")


class Runtime:
    """The settings-dependent half of a wrapper, rebuilt when settings change."""

    __slots__ = (
        "enabled",
        "epoch",
        "generations",
        "inproc",
        "lock_timeout",
        "stale_ttl",
        "stampede",
        "store",
        "ttl",
    )

    def __init__(self, wrapper: CachedWrapper) -> None:
        from restflow.caching.settings import CACHE_SETTINGS

        wrapper.key.resolve(
            CACHE_SETTINGS.NAMESPACE,
            CACHE_SETTINGS.MAX_KEY_SUFFIX_LENGTH,
            CACHE_SETTINGS.HASH_SUFFIX_ON_OVERFLOW,
        )
        self.epoch = current_epoch()
        self.enabled: bool = CACHE_SETTINGS.ENABLED
        self.store: Store = get_store(wrapper.cache_alias or CACHE_SETTINGS.CACHE_ALIAS)
        self.generations = not self.store.scans
        self.inproc = isinstance(self.store, LocMemStore)
        self.ttl: Ttl = CACHE_SETTINGS.DEFAULT_TTL if wrapper.ttl is UNSET else wrapper.ttl
        stale = wrapper.stale_ttl
        self.stale_ttl: float = CACHE_SETTINGS.DEFAULT_STALE_TTL if stale is None else stale
        stampede = wrapper.stampede
        self.stampede: bool = CACHE_SETTINGS.STAMPEDE_PROTECTION if stampede is None else stampede
        self.lock_timeout: float = CACHE_SETTINGS.STAMPEDE_LOCK_TIMEOUT
