"""Settings-dependent state, resolved once and refreshed when settings change."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from restflow.caching.keys import BoundKey
from restflow.caching.settings import CACHE_SETTINGS
from restflow.caching.stores import Store, current_epoch, get_store

__all__ = ["UNSET", "Runtime", "Ttl", "current_epoch"]

Ttl = int | float | None | Callable[[Any], int | float | None]
UNSET: Any = object()
"""An option left unset (its default comes from ``CACHE_SETTINGS``)."""


class Runtime:
    """The settings-dependent half of a cached function, rebuilt when settings change.

    ``ttl``, ``stale_ttl``, ``stampede`` and ``cache_alias`` are the function's own options
    (``UNSET``/``None``: the ``CACHE_SETTINGS`` default).
    """

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

    def __init__(
        self,
        key: BoundKey,
        cache_alias: str | None,
        ttl: Ttl,
        stale_ttl: float | None,
        stampede: bool | None,
    ) -> None:
        key.resolve(
            CACHE_SETTINGS.NAMESPACE,
            CACHE_SETTINGS.MAX_KEY_SUFFIX_LENGTH,
            CACHE_SETTINGS.HASH_SUFFIX_ON_OVERFLOW,
        )
        self.store: Store = get_store(cache_alias or CACHE_SETTINGS.CACHE_ALIAS)
        self.epoch = current_epoch()
        self.enabled: bool = CACHE_SETTINGS.ENABLED
        self.generations = not self.store.scans
        self.inproc = self.store.inproc
        self.ttl: Ttl = CACHE_SETTINGS.DEFAULT_TTL if ttl is UNSET else ttl
        self.stale_ttl: float = CACHE_SETTINGS.DEFAULT_STALE_TTL if stale_ttl is None else stale_ttl
        self.stampede: bool = CACHE_SETTINGS.STAMPEDE_PROTECTION if stampede is None else stampede
        self.lock_timeout: float = CACHE_SETTINGS.STAMPEDE_LOCK_TIMEOUT
