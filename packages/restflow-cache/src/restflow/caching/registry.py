"""Every cached function of the process, by identifier, and the wipes that span several of them.

Workers find a cached function here by its identifier; ``KeyConstructor.wipe()`` and its
siblings delegate here (wiping is about the functions registered, not about keys). The module
imports nothing of restflow: keys, wrappers and commands all depend on it, never the reverse.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured

__all__ = [
    "Registered",
    "all_wrappers",
    "awipe",
    "awipe_previous_versions",
    "get_wrapper",
    "register_wrapper",
    "sum_counts",
    "wipe",
    "wipe_previous_versions",
    "wrappers_using",
]


class Registered(Protocol):
    """What the registry and its readers use of a cached function (``CachedWrapper``)."""

    identifier: str
    cache_alias: str | None
    key: Any

    def runtime(self) -> Any: ...
    def invalidate_all(self) -> int: ...
    async def ainvalidate_all(self) -> int: ...
    def wipe_previous_versions(
        self, versions: Iterable[Any] | None = None, *, dry_run: bool = False
    ) -> int: ...
    async def awipe_previous_versions(
        self, versions: Iterable[Any] | None = None, *, dry_run: bool = False
    ) -> int: ...


_WRAPPERS: dict[str, Registered] = {}


def register_wrapper(wrapper: Registered) -> None:
    """Record ``wrapper`` under its identifier (re-decorating the same function replaces it)."""
    _WRAPPERS[wrapper.identifier] = wrapper


def get_wrapper(identifier: str) -> Any:
    """The wrapper named ``identifier``, importing its module if needed."""
    wrapper = _WRAPPERS.get(identifier)
    if wrapper is None:
        module = identifier.partition(":")[0]
        try:
            __import__(module)
        except ImportError as exc:
            raise ImproperlyConfigured(
                f"cached function {identifier!r} is unknown here and module {module!r} cannot "
                f"be imported: {exc}"
            ) from exc
        wrapper = _WRAPPERS.get(identifier)
    if wrapper is None:
        raise ImproperlyConfigured(
            f"cached function {identifier!r} is not registered in this process; is the module "
            "that defines it imported (add it to CACHE_SETTINGS.AUTODISCOVER_MODULES)?"
        )
    return wrapper


def all_wrappers() -> list[Any]:
    """Every registered wrapper."""
    return list(_WRAPPERS.values())


def wrappers_using(constructor: type) -> list[Any]:
    """The wrappers whose key constructor is ``constructor`` (or a subclass)."""
    return [w for w in _WRAPPERS.values() if issubclass(w.key.constructor, constructor)]


def sum_counts(counts: Iterable[int]) -> int:
    """The total of several wipes' counts; -1 (unknown) as soon as one of them is -1."""
    total = 0
    for count in counts:
        total = -1 if count < 0 or total < 0 else total + count
    return total


def wipe(constructor: type, **partition_values: Any) -> int:
    """Delete the entries of every function keyed by ``constructor``; a count or -1.

    With ``partition_values`` (leading partition fields, by argument name), only
    that partition of each function (its ``delete_by_prefix``).
    """
    wrappers = wrappers_using(constructor)
    if partition_values:
        return sum_counts(w.delete_by_prefix(**partition_values) for w in wrappers)
    return sum_counts(w.invalidate_all() for w in wrappers)


async def awipe(constructor: type, **partition_values: Any) -> int:
    """Async twin of :func:`wipe`."""
    wrappers = wrappers_using(constructor)
    if partition_values:
        return sum_counts([await w.adelete_by_prefix(**partition_values) for w in wrappers])
    return sum_counts([await w.ainvalidate_all() for w in wrappers])


def wipe_previous_versions(
    constructor: type, versions: Iterable[Any] | None = None, *, dry_run: bool = False
) -> int:
    """What every function keyed by ``constructor`` wrote under older versions: a count or -1."""
    return sum_counts(
        w.wipe_previous_versions(versions, dry_run=dry_run) for w in wrappers_using(constructor)
    )


async def awipe_previous_versions(
    constructor: type, versions: Iterable[Any] | None = None, *, dry_run: bool = False
) -> int:
    """Async twin of :func:`wipe_previous_versions`."""
    wrappers = wrappers_using(constructor)
    return sum_counts(
        [await w.awipe_previous_versions(versions, dry_run=dry_run) for w in wrappers]
    )
