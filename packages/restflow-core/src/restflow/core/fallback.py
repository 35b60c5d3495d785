"""The sync/async fall-back helper: the callable decides the mode, not the caller.

| caller | callee                                      | what happens                       |
|--------|---------------------------------------------|------------------------------------|
| async  | defines a native async twin ``aX``          | ``await obj.aX(...)``              |
| async  | only sync ``X``                             | ``sync_to_async(X)`` in a thread   |
| async  | ``X`` overridden by ``async def`` / returns | await the result                   |
|        | an awaitable                                |                                    |
| sync   | async callable                              | ``async_to_sync``                  |
| sync   | sync callable                               | plain call                         |

Hooks are methods looked up by name with an optional ``a``-twin
(``has_permission`` / ``ahas_permission``). :func:`hook_name` says which of the
two a path runs (the more derived one), and :func:`afirst_hook` /
:func:`achain_hooks` run a list of hooks with one thread hop for each run of
consecutive sync ones. Decisions are made once per class (for hooks) or per
callable and cached.
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
    "achain_hooks",
    "afirst_hook",
    "async_twin",
    "call",
    "call_hook",
    "hook_mode",
    "hook_name",
    "is_async_callable",
    "is_loop_safe",
    "mark_loop_safe",
    "reaches_async",
    "register_async_twin",
]

_F = TypeVar("_F", bound=Callable[..., Any])
_AF = TypeVar("_AF", bound=Callable[..., Awaitable[Any]])

_LOOP_SAFE_ATTR = "_restflow_loop_safe"
# Functions that cannot carry the marker attribute, known to do no blocking I/O;
# filled by mark_loop_safe. Identity matters: an override in a subclass is a
# different function and is not covered.
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


def _derive_hook_name(cls: type, name: str, is_async: bool) -> str:
    async_name = "a" + name
    sync_index = _defining_index(cls, name)
    async_index = _defining_index(cls, async_name)
    if async_index is not None and not is_async_callable(getattr(cls, async_name)):
        if sync_index is None:
            raise TypeError(f"{cls.__qualname__}.{async_name} must be declared with 'async def'.")
        async_index = None  # a sync ``aX`` is no async twin
    if async_index is None:
        if sync_index is None:
            raise AttributeError(f"{cls.__qualname__} defines neither {name!r} nor {async_name!r}.")
        return name
    if sync_index is None or async_index < sync_index:
        return async_name
    return async_name if is_async and async_index == sync_index else name


_NAME_CACHE: dict[tuple[type, str, bool], str] = {}


def hook_name(obj_or_cls: object, name: str, *, is_async: bool) -> str:
    """Which of ``name`` / ``"a" + name`` a path runs for hook ``name``: the more derived one.

    A subclass that overrides only the sync hook of a class shipping an async
    twin gets its override on both paths, and the other way round. A class
    defining both on the same level gets the caller's own (``aX`` when
    ``is_async``). An ``aX`` that is not ``async def`` is no twin: ``TypeError``
    when there is no ``X``; ``AttributeError`` when there is neither. Cached
    per class.
    """
    cls = obj_or_cls if isinstance(obj_or_cls, type) else type(obj_or_cls)
    key = (cls, name, is_async)
    chosen = _NAME_CACHE.get(key)
    if chosen is None:
        chosen = _NAME_CACHE[key] = _derive_hook_name(cls, name, is_async)
    return chosen


def async_twin(method: _AF) -> _AF:
    """Decorate a base class's ``async def aX``: a subclass that overrides only ``X`` answers it.

    ``await obj.aX(...)`` then runs the more derived sync ``X`` through :func:`acall`
    (one thread hop, none for a loop-safe ``X``), so user code may call either
    side of a class that implements one; otherwise the decorated body runs.
    """
    async_name = getattr(method, "__name__", "")
    if not (async_name.startswith("a") and len(async_name) > 1):
        raise TypeError(f"async_twin decorates an 'a'-prefixed method, not {async_name!r}.")
    if not inspect.iscoroutinefunction(method):
        raise TypeError(f"async_twin: {async_name} must be declared with 'async def'.")
    name = async_name[1:]

    @functools.wraps(method)
    async def twin(self: Any, /, *args: Any, **kwargs: Any) -> Any:
        if hook_name(self, name, is_async=True) == name:
            return await acall(getattr(self, name), *args, **kwargs)
        return await method(self, *args, **kwargs)

    return twin  # type: ignore[return-value]


def _decide(cls: type, name: str) -> HookMode:
    if hook_name(cls, name, is_async=True) != name:
        return HookMode.NATIVE
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


def call_hook(obj: object, name: str, /, *args: Any, **kwargs: Any) -> Any:
    """Run hook ``name`` of ``obj`` from sync code, bridging a more derived async twin."""
    return call(getattr(obj, hook_name(obj, name, is_async=False)), *args, **kwargs)


# -- runs of hooks: one thread hop for consecutive thread-bound sync hooks ----

_Settle = Callable[[object, Any], bool]
_SETTLED = object()


def _run_sync_hooks(
    run: Sequence[object], name: str, arguments: Callable[[], Sequence[Any]], settle: _Settle
) -> tuple[int, Any] | None:
    """Call hook ``name`` of each of ``run`` until one settles (``_SETTLED``) or returns an awaitable."""
    for index, obj in enumerate(run):
        result = getattr(obj, name)(*arguments())
        if _is_awaitable(result):
            return index, result  # awaited on the loop
        if settle(obj, result):
            return index, _SETTLED
    return None


async def _arun_hooks(
    objs: Iterable[object], name: str, arguments: Callable[[], Sequence[Any]], settle: _Settle
) -> None:
    """Run hook ``name`` of each object in order, with ``arguments()``, until ``settle(obj, result)``.

    Each object is run as :func:`acall_hook` would, except that a run of
    consecutive thread-bound sync hooks shares a single thread hop.
    """
    items = objs if isinstance(objs, list) else list(objs)
    position = 0
    while position < len(items):
        obj = items[position]
        mode = hook_mode(obj, name)
        if mode is HookMode.LOOP:  # the common case for DRF's simple classes: no coroutine
            result = await _await_if_needed(getattr(obj, name)(*arguments()))
        elif mode is not HookMode.THREAD:
            result = await acall_hook(obj, name, *arguments())
        else:
            end = position + 1
            while end < len(items) and hook_mode(items[end], name) is HookMode.THREAD:
                end += 1
            run = items[position:end]
            stop = await sync_to_async(_run_sync_hooks, thread_sensitive=True)(
                run, name, arguments, settle
            )
            if stop is None:
                position = end
                continue
            index, result = stop
            if result is _SETTLED:
                return
            position += index
            obj, result = run[index], await result
        if settle(obj, result):
            return
        position += 1


async def afirst_hook(
    objs: Iterable[object], name: str, /, *args: Any, until: Callable[[Any], bool]
) -> tuple[object, Any] | None:
    """Run hook ``name`` on each object in order; stop at the first result where ``until(result)``.

    Returns ``(obj, result)`` for that object, or ``None`` if none matched.
    Objects are handled as :func:`acall_hook` would, except that a run of
    consecutive thread-bound sync hooks shares a single thread hop (DRF's
    default authenticators cost one hop, not one each). Exceptions propagate.
    """
    found: tuple[object, Any] | None = None

    def settle(obj: object, result: Any) -> bool:
        nonlocal found
        if until(result):
            found = (obj, result)
            return True
        return False

    await _arun_hooks(objs, name, lambda: args, settle)
    return found


def _alone(value: Any) -> tuple[Any]:
    return (value,)


async def achain_hooks(
    objs: Iterable[object],
    name: str,
    value: Any,
    /,
    arguments: Callable[[Any], Sequence[Any]] = _alone,
) -> Any:
    """Pass ``value`` through hook ``name`` of each object in order; return the last result.

    Each object's hook is called with ``arguments(value)`` (``value`` alone by
    default) and its result is the next ``value``, as DRF chains filter
    backends: ``await achain_hooks(backends, "filter_queryset", queryset,
    lambda qs: (request, qs, view))``. Objects are handled as in
    :func:`afirst_hook`: consecutive thread-bound sync hooks share one hop.
    """
    current = value

    def settle(obj: object, result: Any) -> bool:
        nonlocal current
        current = result
        return False

    await _arun_hooks(objs, name, lambda: arguments(current), settle)
    return current
