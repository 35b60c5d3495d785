"""Per-class decisions about a serializer's user methods, made once and cached.

The async path runs each hook the way :mod:`restflow.core.fallback` says
(native ``aX`` twin, ``async def X``, loop-safe sync, or a thread). The
sync path refuses an async user method with a ``TypeError`` that names the
serializer and the method, instead of letting a coroutine slip through.
"""

from __future__ import annotations

from typing import Any

from restflow.core import HookMode, hook_mode, is_async_callable, is_loop_safe
from restflow.serializers._steps import Mode

_sync_cache: dict[tuple[type, str], str | None] = {}
_field_method_cache: dict[tuple[type, str], Mode | None] = {}


def _index(cls: type, name: str, *, skip_own: bool = False) -> int | None:
    for index, klass in enumerate(cls.__mro__):
        if skip_own and klass.__module__.startswith("restflow.serializers"):
            continue  # restflow's own a-twins (ModelSerializer.acreate…) have sync twins
        if name in vars(klass):
            return index
    return None


def sync_refusal(cls: type, name: str, async_method: str) -> str | None:
    """The error message the sync path raises for hook ``name``, or ``None`` when it may run.

    The sync hook is refused when it is ``async def`` or when the class
    defines its ``a``-twin more derived than the sync one.
    """
    key = (cls, name)
    if key in _sync_cache:
        return _sync_cache[key]
    message = None
    sync_index = _index(cls, name)
    async_index = _index(cls, "a" + name, skip_own=True)
    if sync_index is not None and is_async_callable(getattr(cls, name)):
        message = (
            f"{cls.__qualname__}.{name}() is declared 'async def'; the sync path cannot "
            f"await it. Call '{async_method}' instead, or make {name}() sync."
        )
    elif async_index is not None and (sync_index is None or async_index < sync_index):
        message = (
            f"{cls.__qualname__} defines a{name}() but no sync {name}() of its own; the sync "
            f"path will not bridge it. Call '{async_method}' instead, or also define {name}()."
        )
    _sync_cache[key] = message
    return message


def refuse_on_sync_path(obj: Any, name: str, async_method: str) -> None:
    """Raise ``TypeError`` if hook ``name`` of ``obj`` is async-only (see :func:`sync_refusal`)."""
    message = sync_refusal(type(obj), name, async_method)
    if message is not None:
        raise TypeError(message)


def field_method_mode(cls: type, name: str) -> Mode | None:
    """How ``validate_<field>`` (``name``) runs on the async path; ``None`` when undefined."""
    key = (cls, name)
    try:
        return _field_method_cache[key]
    except KeyError:
        pass
    method = getattr(cls, name, None)
    mode: Mode | None
    if method is None or not callable(method):
        mode = None
    elif is_async_callable(method):
        mode = Mode.ASYNC
    else:
        mode = Mode.LOOP if is_loop_safe(method) else Mode.THREAD
    _field_method_cache[key] = mode
    return mode


def hook_step_mode(cls: type, name: str, default: object) -> Mode | None:
    """How hook ``name`` (``validate``, ``run_validators``…) runs on the async path.

    ``None`` when the class still uses ``default`` (DRF's no-op), so the
    step can be left out.
    """
    mode = hook_mode(cls, name)
    if mode in (HookMode.NATIVE, HookMode.AWAIT):
        return Mode.ASYNC
    if getattr(cls, name) is default:
        return None
    return Mode.LOOP if mode in (HookMode.LOOP, HookMode.TWIN) else Mode.THREAD
