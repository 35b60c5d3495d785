"""Settings-dependent state, resolved once and refreshed when settings change."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from restflow.caching.keys import BoundKey
from restflow.caching.settings import CACHE_SETTINGS
from restflow.caching.stores import Store, current_epoch, get_store

__all__ = ["UNSET", "Runtime", "Ttl", "current_epoch", "with_call_arguments"]

Ttl = int | float | None | Callable[..., int | float | None]
UNSET: Any = object()
"""An option left unset (its default comes from ``CACHE_SETTINGS``)."""


_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
_VARIADIC = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)


def with_call_arguments(ttl: Callable[..., Any]) -> Callable[..., Any]:
    """A callable ``ttl`` called as ``ttl(value, *args, **kwargs)`` (the call's arguments).

    A ``ttl(value)`` that takes the value alone keeps working: it is called with it only.
    """
    try:
        parameters = inspect.signature(ttl).parameters.values()
    except (TypeError, ValueError):  # no signature to read (some builtins): pass everything
        return ttl
    positional = sum(1 for parameter in parameters if parameter.kind in _POSITIONAL)
    if positional > 1 or any(parameter.kind in _VARIADIC for parameter in parameters):
        return ttl

    def value_only(value: Any, /, *args: Any, **kwargs: Any) -> Any:
        return ttl(value)

    return value_only


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
        chosen = CACHE_SETTINGS.DEFAULT_TTL if ttl is UNSET else ttl
        self.ttl: Ttl = with_call_arguments(chosen) if callable(chosen) else chosen
        self.stale_ttl: float = CACHE_SETTINGS.DEFAULT_STALE_TTL if stale_ttl is None else stale_ttl
        self.stampede: bool = CACHE_SETTINGS.STAMPEDE_PROTECTION if stampede is None else stampede
        self.lock_timeout: float = CACHE_SETTINGS.STAMPEDE_LOCK_TIMEOUT
