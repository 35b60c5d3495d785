"""restflow's ``BasePermission``: sync and async hooks, a subclass implements either side."""

from __future__ import annotations

import enum
import inspect
from typing import TYPE_CHECKING, Any, ClassVar

from rest_framework import permissions as drf_permissions

from restflow.core.fallback import acall, call, is_async_callable
from restflow.permissions.operators import OperatorsMixin

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView

__all__ = ["BasePermission", "PermissionMetaclass"]

_HOOKS = ("has_permission", "has_object_permission")


class _Side(enum.Enum):
    """Which side of a hook pair a class implements (its most derived real definition)."""

    NONE = "none"  # neither: both hooks grant
    SYNC = "sync"  # the async hook runs the sync one through the fall-back contract
    ASYNC = "async"  # the sync hook bridges to the async one
    BOTH = "both"  # both defined at the same level: each runs its own code


class PermissionMetaclass(OperatorsMixin, drf_permissions.BasePermissionMetaclass):  # type: ignore[misc]
    """Metaclass of restflow permissions: ``&``, ``|``, ``~`` build restflow's combinators.

    It subclasses DRF's metaclass and overrides the reflected operators, so
    with a plain DRF class on the left (``drf.AllowAny & IsAuthenticated``)
    Python still asks restflow first.
    """


class BasePermission(drf_permissions.BasePermission, metaclass=PermissionMetaclass):
    """Base class for permissions with a sync and an async surface; implement either.

    Override ``has_permission`` / ``has_object_permission`` (sync) or
    ``ahas_permission`` / ``ahas_object_permission`` (``async def``). The other
    side follows: a sync-only permission runs in a thread on the async path
    (on the loop if its hook is marked with ``mark_loop_safe``), an async-only
    one is bridged with ``async_to_sync`` on DRF's sync path. When a subclass
    overrides only one side of a parent that defines both, its override is
    used on both paths. An ``async def has_permission`` is moved to
    ``ahas_permission`` at class creation, so DRF's sync dispatch never sees a
    (truthy) coroutine. Hooks that are not implemented grant.
    """

    _restflow_sides: ClassVar[dict[str, _Side]] = dict.fromkeys(_HOOKS, _Side.NONE)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in _HOOKS:
            _move_async_sync_hook(cls, name)
        cls._restflow_sides = {name: _implemented_side(cls, name) for name in _HOOKS}
        for name, side in cls._restflow_sides.items():
            _install_bridge(cls, name, side)

    def has_permission(self, request: Request, view: APIView) -> bool:
        if self._restflow_sides["has_permission"] is _Side.ASYNC:
            return bool(call(self.ahas_permission, request, view))
        return True

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        if self._restflow_sides["has_object_permission"] is _Side.ASYNC:
            return bool(call(self.ahas_object_permission, request, view, obj))
        return True

    async def ahas_permission(self, request: Request, view: APIView) -> bool:
        if self._restflow_sides["has_permission"] is _Side.SYNC:
            return bool(await acall(self.has_permission, request, view))
        return True

    async def ahas_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        if self._restflow_sides["has_object_permission"] is _Side.SYNC:
            return bool(await acall(self.has_object_permission, request, view, obj))
        return True


# The defaults above (and DRF's, which they shadow) do not count as "implemented".
_DEFAULTS: dict[str, Any] = {
    name: vars(BasePermission)[name] for name in (*_HOOKS, *("a" + hook for hook in _HOOKS))
}
_NOT_IMPLEMENTED = (
    *_DEFAULTS.values(),
    *(vars(drf_permissions.BasePermission)[name] for name in _HOOKS),
)


def _is_default(value: object) -> bool:
    return any(value is default for default in _NOT_IMPLEMENTED)


def _move_async_sync_hook(cls: type, name: str) -> None:
    """Turn ``async def has_permission`` into ``ahas_permission`` plus the bridging default."""
    value = vars(cls).get(name)
    if not (inspect.isfunction(value) and is_async_callable(value)):
        return
    async_name = "a" + name
    if async_name in vars(cls):
        raise TypeError(
            f"{cls.__qualname__}.{name} is 'async def' and {async_name} is defined too: "
            f"keep one, either 'def {name}' or 'async def {async_name}'."
        )
    setattr(cls, async_name, value)
    setattr(cls, name, _DEFAULTS[name])


def _implemented_side(cls: type, name: str) -> _Side:
    async_name = "a" + name
    sync_at: int | None = None
    async_at: int | None = None
    for index, klass in enumerate(cls.__mro__):
        attrs = vars(klass)
        if sync_at is None and name in attrs and not _is_default(attrs[name]):
            sync_at = index
        if async_at is None and async_name in attrs and not _is_default(attrs[async_name]):
            async_at = index
    if sync_at is None and async_at is None:
        return _Side.NONE
    if async_at is None or (sync_at is not None and sync_at < async_at):
        return _Side.SYNC
    if sync_at is None or async_at < sync_at:
        return _Side.ASYNC
    return _Side.BOTH


def _effective(cls: type, name: str) -> object:
    for klass in cls.__mro__:
        if name in vars(klass):
            return vars(klass)[name]
    return None


def _install_bridge(cls: type, name: str, side: _Side) -> None:
    """Replace a stale inherited twin by the bridging default.

    ``class Mine(IsAuthenticated)`` overriding only ``has_permission`` would
    otherwise inherit ``IsAuthenticated.ahas_permission`` and answer
    differently on the two paths.
    """
    if side is _Side.SYNC:
        stale = "a" + name
    elif side is _Side.ASYNC:
        stale = name
    else:
        return
    if not _is_default(_effective(cls, stale)):
        setattr(cls, stale, _DEFAULTS[stale])
