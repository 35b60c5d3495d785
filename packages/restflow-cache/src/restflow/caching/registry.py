"""Every cached function of the process, by identifier (workers find them here)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from restflow.caching.wrapper import CachedWrapper

__all__ = ["all_wrappers", "get_wrapper", "register_wrapper", "wrappers_using"]

_WRAPPERS: dict[str, CachedWrapper] = {}


def register_wrapper(wrapper: CachedWrapper) -> None:
    """Record ``wrapper`` under its identifier (re-decorating the same function replaces it)."""
    _WRAPPERS[wrapper.identifier] = wrapper


def get_wrapper(identifier: str) -> CachedWrapper:
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


def all_wrappers() -> list[CachedWrapper]:
    """Every registered wrapper."""
    return list(_WRAPPERS.values())


def wrappers_using(constructor: Any) -> list[CachedWrapper]:
    """The wrappers whose key constructor is ``constructor`` (or a subclass)."""
    return [w for w in _WRAPPERS.values() if issubclass(w.key.constructor, constructor)]
