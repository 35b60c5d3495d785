"""The sync/async fall-back helper: the callable decides the mode, not the caller.

| caller | callee                                      | what happens                       |
|--------|---------------------------------------------|------------------------------------|
| async  | defines a native async twin ``aX``          | ``await obj.aX(...)``              |
| async  | only sync ``X``                             | ``sync_to_async(X)`` in a thread   |
| async  | ``X`` overridden by ``async def`` / returns | await the result                   |
|        | an awaitable                                |                                    |
| sync   | async callable                              | ``async_to_sync``                  |
| sync   | sync callable                               | plain call                         |

Decisions are made once per class (for hooks) or per callable and cached.
A sync callable that does no blocking I/O can be marked with
:func:`mark_loop_safe`; the async path then calls it on the event loop
instead of paying a thread hop.
"""

from __future__ import annotations

import enum
import functools
import inspect
import weakref
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any, TypeVar

from asgiref.sync import async_to_sync, sync_to_async
from asgiref.sync import iscoroutinefunction as _asgiref_iscoroutinefunction

__all__ = [
    "HookMode",
    "acall",
    "acall_hook",
    "afirst_hook",
    "call",
    "call_hook",
    "hook_mode",
    "is_async_callable",
    "is_loop_safe",
    "mark_loop_safe",
    "reaches_async",
    "register_async_twin",
]

_F = TypeVar("_F", bound=Callable[..., Any])

_LOOP_SAFE_ATTR = "_restflow_loop_safe"
# Functions of third-party code (DRF) known to do no blocking I/O; filled by
# restflow.core.loop_safe at import. Identity matters: an override in a
# subclass is a different function and is not covered.
_LOOP_SAFE_FUNCS: set[int] = set()
_LOOP_SAFE_KEEP: list[object] = []


class HookMode(enum.Enum):
    """How the async path runs a hook; decided once per (class, hook name)."""

    NATIVE = "native"  # await obj.aX(...)
    AWAIT = "await"  # X itself is async: await obj.X(...)
    TWIN = "twin"  # X is a third-party sync function with a registered async twin
    LOOP = "loop"  # sync X marked loop-safe: call it on the event loop
    THREAD = "thread"  # sync X: run it via sync_to_async(thread_sensitive=True)


# Per-class decisions live in plain dicts keyed by (class, name): classes are
# long-lived, and a tuple lookup is the cheapest thing on the request path.
_HOOK_CACHE: dict[tuple[type, str], HookMode] = {}

# Registered async twins of third-party sync functions, by function identity:
# id(function) -> (function, twin). The twin takes the instance first.
_TWINS: dict[int, tuple[object, Callable[..., Awaitable[Any]]]] = {}


def register_async_twin(function: Callable[..., Any], twin: Callable[..., Awaitable[Any]]) -> None:
    """Give a sync method of a class you do not own an async twin for the async path.

    ``register_async_twin(BasicAuthentication.authenticate, abasic)`` makes
    ``acall_hook(auth, "authenticate", request)`` await ``abasic(auth, request)``
    for ``BasicAuthentication`` and for subclasses that do not override
    ``authenticate``; an override is a different function and keeps its own mode.
    """
    if not is_async_callable(twin):
        raise TypeError(f"the async twin of {function!r} must be declared with 'async def'.")
    _TWINS[id(function)] = (function, twin)
    _HOOK_CACHE.clear()


def _twin_of(function: object) -> Callable[..., Awaitable[Any]] | None:
    entry = _TWINS.get(id(function))
    return entry[1] if entry is not None and entry[0] is function else None


def mark_loop_safe(func: _F) -> _F:
    """Declare that a sync function does no blocking I/O.

    The async path then calls it directly on the event loop. Use it for
    sync hooks that only read the request (no database, cache or network).
    """
    target = getattr(func, "__func__", func)
    try:
        setattr(target, _LOOP_SAFE_ATTR, True)
    except (AttributeError, TypeError):
        _LOOP_SAFE_FUNCS.add(id(target))
        _LOOP_SAFE_KEEP.append(target)
    _HOOK_CACHE.clear()
    return func


def is_loop_safe(func: object) -> bool:
    """Whether ``func`` was declared free of blocking I/O."""
    target = getattr(func, "__func__", func)
    return bool(getattr(target, _LOOP_SAFE_ATTR, False)) or id(target) in _LOOP_SAFE_FUNCS


def _unwrap(func: object) -> object:
    while isinstance(func, functools.partial):
        func = func.func
    return func


def _inspect_async(func: object) -> bool:
    """Introspect once: is calling ``func`` going to give a coroutine?"""
    func = _unwrap(func)
    if _asgiref_iscoroutinefunction(func) or inspect.iscoroutinefunction(func):
        return True
    if inspect.isfunction(func) or inspect.ismethod(func) or inspect.isbuiltin(func):
        return False
    if isinstance(func, type):
        return False
    call_attr = getattr(type(func), "__call__", None)  # noqa: B004 (the class attribute, not callable())
    return call_attr is not None and (
        _asgiref_iscoroutinefunction(call_attr) or inspect.iscoroutinefunction(call_attr)
    )


_ASYNC_CACHE: weakref.WeakKeyDictionary[Any, bool] = weakref.WeakKeyDictionary()


def _cache_key(func: object) -> object:
    func = _unwrap(func)
    if inspect.ismethod(func):
        return func.__func__
    if inspect.isfunction(func) or isinstance(func, type):
        return func
    return type(func) if callable(func) else func


def reaches_async(func: object) -> bool:
    """Whether ``func``, or a function its ``__wrapped__`` chain leads to, is async.

    A sync decorator built with ``functools.wraps`` around an ``async def``
    handler (drf-spectacular's ``extend_schema_view``, for one) returns the
    handler's coroutine, which the dispatch loop awaits like any other.
    """
    seen: set[int] = set()
    current: Any = func
    while current is not None and id(current) not in seen:
        if is_async_callable(current):
            return True
        seen.add(id(current))
        current = getattr(current, "__wrapped__", None)
    return False


def is_async_callable(func: object) -> bool:
    """Whether calling ``func`` returns a coroutine.

    Handles plain and bound functions, ``functools.partial``, objects with an
    ``async def __call__`` and ``markcoroutinefunction``. Cached per function
    (or per class for callable objects). Partials are inspected each time,
    as each partial is its own object.
    """
    if isinstance(func, functools.partial):
        return _inspect_async(func)
    key = _cache_key(func)
    try:
        return _ASYNC_CACHE[key]
    except KeyError:
        pass
    except TypeError:  # not weak-referenceable
        return _inspect_async(func)
    result = _inspect_async(func)
    try:
        _ASYNC_CACHE[key] = result
    except TypeError:
        pass
    return result


def _is_awaitable(result: Any) -> bool:
    # hooks mostly answer True/False/None: skip inspect's ABC check for those
    return not (result is None or result is True or result is False) and inspect.isawaitable(result)


async def _await_if_needed(result: Any) -> Any:
    if _is_awaitable(result):
        return await result
    return result


async def _athread(func: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
    """Run sync ``func`` in a thread (``thread_sensitive=True``); await what it returns if awaitable."""
    result = await sync_to_async(func, thread_sensitive=True)(*args, **kwargs)
    return await _await_if_needed(result)


async def acall(func: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
    """Call ``func`` from async code, whatever its mode.

    Async callables are awaited; loop-safe sync callables run on the loop;
    other sync callables run in a thread (``thread_sensitive=True``). A
    result that is awaitable is awaited.
    """
    if is_async_callable(func):
        return await func(*args, **kwargs)
    if is_loop_safe(func):
        return await _await_if_needed(func(*args, **kwargs))
    return await _athread(func, *args, **kwargs)


def _await_sync(awaitable: Awaitable[Any]) -> Any:
    async def _runner() -> Any:
        return await awaitable

    return async_to_sync(_runner)()


def call(func: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
    """Call ``func`` from sync code, whatever its mode.

    Async callables (and awaitables returned by sync ones) are bridged with
    ``async_to_sync``; calling an async callable from a thread that runs an
    event loop raises asgiref's clear ``RuntimeError``.
    """
    if is_async_callable(func):
        return async_to_sync(func)(*args, **kwargs)
    result = func(*args, **kwargs)
    if inspect.isawaitable(result):
        return _await_sync(result)
    return result


# -- hooks: methods looked up by name on an object -------------------------


def _defining_index(cls: type, name: str) -> int | None:
    for index, klass in enumerate(cls.__mro__):
        if name in vars(klass):
            return index
    return None


def _async_twin_wins(cls: type, name: str, *, on_tie: bool) -> bool:
    """Whether ``aX`` is defined more derived than ``X`` (``on_tie``: both on one class).

    The most derived definition wins on both paths: a subclass that overrides
    only the sync hook of a class shipping a native async twin gets its
    override run, and the other way round.
    """
    sync_index = _defining_index(cls, name)
    async_index = _defining_index(cls, "a" + name)
    if async_index is None:
        return False
    return sync_index is None or async_index < sync_index or (on_tie and async_index == sync_index)


def _decide(cls: type, name: str) -> HookMode:
    async_name = "a" + name
    sync_index = _defining_index(cls, name)
    async_index = _defining_index(cls, async_name)
    # on the async path a class defining both hooks gets its async one
    if _async_twin_wins(cls, name, on_tie=True) and is_async_callable(getattr(cls, async_name)):
        return HookMode.NATIVE
    if sync_index is None:
        if async_index is not None:
            # ``aX`` exists but is not a coroutine function and no ``X`` exists.
            raise TypeError(f"{cls.__qualname__}.{async_name} must be declared with 'async def'.")
        raise AttributeError(f"{cls.__qualname__} defines neither {name!r} nor {async_name!r}.")
    sync_attr = inspect.getattr_static(cls, name)
    if isinstance(sync_attr, (staticmethod, classmethod)):
        sync_attr = sync_attr.__func__
    if is_async_callable(sync_attr):
        return HookMode.AWAIT
    if _twin_of(sync_attr) is not None:
        return HookMode.TWIN
    if is_loop_safe(sync_attr):
        return HookMode.LOOP
    return HookMode.THREAD


def hook_mode(obj_or_cls: object, name: str) -> HookMode:
    """How the async path runs hook ``name`` (e.g. ``"has_permission"``) on a class."""
    cls = obj_or_cls if isinstance(obj_or_cls, type) else type(obj_or_cls)
    key = (cls, name)
    mode = _HOOK_CACHE.get(key)
    if mode is None:
        mode = _HOOK_CACHE[key] = _decide(cls, name)
    return mode


async def acall_hook(obj: object, name: str, /, *args: Any, **kwargs: Any) -> Any:
    """Run hook ``name`` of ``obj`` from async code, preferring its ``a``-twin.

    ``acall_hook(permission, "has_permission", request, view)`` awaits
    ``ahas_permission`` when the class (or a subclass) defines it natively,
    awaits an ``async def has_permission`` override, and otherwise runs the
    sync ``has_permission`` in a thread (or on the loop when loop-safe).
    """
    mode = hook_mode(obj, name)
    if mode is HookMode.NATIVE:
        return await getattr(obj, "a" + name)(*args, **kwargs)
    method = getattr(obj, name)
    if mode is HookMode.AWAIT:
        return await method(*args, **kwargs)
    if mode is HookMode.TWIN:
        twin = _twin_of(getattr(method, "__func__", None))
        assert twin is not None
        return await twin(obj, *args, **kwargs)
    if mode is HookMode.LOOP:
        return await _await_if_needed(method(*args, **kwargs))
    return await _athread(method, *args, **kwargs)


_SYNC_HOOK_CACHE: dict[tuple[type, str], str] = {}


def _sync_hook_name(cls: type, name: str) -> str:
    chosen = _SYNC_HOOK_CACHE.get((cls, name))
    if chosen is None:
        # on the sync path a class defining both hooks gets its sync one
        prefer_async = _async_twin_wins(cls, name, on_tie=False)
        chosen = _SYNC_HOOK_CACHE[(cls, name)] = "a" + name if prefer_async else name
    return chosen


def call_hook(obj: object, name: str, /, *args: Any, **kwargs: Any) -> Any:
    """Run hook ``name`` of ``obj`` from sync code, bridging a more derived async twin."""
    return call(getattr(obj, _sync_hook_name(type(obj), name)), *args, **kwargs)


def _run_sync_chain(
    methods: Sequence[Callable[..., Any]], args: tuple[Any, ...], until: Callable[[Any], bool]
) -> tuple[int, Any] | None:
    for index, method in enumerate(methods):
        result = method(*args)
        if _is_awaitable(result) or until(result):
            return index, result
    return None


async def afirst_hook(
    objs: Iterable[object], name: str, /, *args: Any, until: Callable[[Any], bool]
) -> tuple[object, Any] | None:
    """Run hook ``name`` on each object in order; stop at the first result where ``until(result)``.

    Returns ``(obj, result)`` for that object, or ``None`` if none matched.
    Objects are handled as :func:`acall_hook` would, except that a run of
    consecutive thread-bound sync hooks shares a single thread hop (DRF's
    default authenticators cost one hop, not one each). Exceptions propagate.
    """
    items = objs if isinstance(objs, list) else list(objs)
    position = 0
    while position < len(items):
        obj = items[position]
        mode = hook_mode(obj, name)
        if mode is HookMode.LOOP:  # the common case for DRF's simple classes: no coroutine
            result = getattr(obj, name)(*args)
            if _is_awaitable(result):
                result = await result
            if until(result):
                return obj, result
            position += 1
            continue
        if mode is not HookMode.THREAD:
            result = await acall_hook(obj, name, *args)
            if until(result):
                return obj, result
            position += 1
            continue
        end = position
        while end < len(items) and hook_mode(items[end], name) is HookMode.THREAD:
            end += 1
        run = items[position:end]
        methods = [getattr(item, name) for item in run]
        hit = await sync_to_async(_run_sync_chain, thread_sensitive=True)(methods, args, until)
        if hit is None:
            position = end
            continue
        index, result = hit
        result = await _await_if_needed(result)
        if until(result):
            return run[index], result
        position += index + 1
    return None
