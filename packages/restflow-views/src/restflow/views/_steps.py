"""Run a helper written once, as a generator of hook calls, on the sync or the async path.

A helper's core (``ViewHelpers._paginated_response``…) does no I/O: it yields
``(obj, hook, args, kwargs)`` for each call that may, and is sent the result.
:func:`run` calls ``obj.hook(*args, **kwargs)``; :func:`arun` runs it with
restflow's fall-back rule (``acall_hook``: the ``a``-twin when there is one,
a thread for a sync hook that may block). Two hooks only the helpers use are
here too: listing a queryset (:data:`ROWS`) and reading a serializer's data
(:data:`READ`).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Coroutine, Generator
from typing import Any, ParamSpec, TypeVar

from restflow.core import acall_hook
from restflow.pagination._aio import alist
from restflow.views._serializer_io import adata

__all__ = ["READ", "ROWS", "Call", "Steps", "arun", "async_surface", "run", "sync_surface"]

Call = tuple[Any, str, tuple[Any, ...], dict[str, Any]]
Steps = Generator[Call, Any, Any]
_P = ParamSpec("_P")
_R = TypeVar("_R")


def run(steps: Steps) -> Any:
    """Drive ``steps`` with plain calls; return what the generator returns."""
    try:
        obj, hook, args, kwargs = next(steps)
        while True:
            obj, hook, args, kwargs = steps.send(getattr(obj, hook)(*args, **kwargs))
    except StopIteration as done:
        return done.value


async def arun(steps: Steps) -> Any:
    """Drive ``steps`` on the async path (``acall_hook`` for each call)."""
    try:
        obj, hook, args, kwargs = next(steps)
        while True:
            obj, hook, args, kwargs = steps.send(await acall_hook(obj, hook, *args, **kwargs))
    except StopIteration as done:
        return done.value


def _named(surface: Any, core: Callable[..., Any], name: str, doc: str | None) -> None:
    surface.__name__ = name
    surface.__qualname__ = core.__qualname__.rpartition(".")[0] + "." + name
    surface.__module__ = core.__module__
    surface.__doc__ = doc
    # the core's parameters, without its generator return type
    surface.__signature__ = inspect.signature(core).replace(
        return_annotation=inspect.Signature.empty
    )


def sync_surface(core: Callable[_P, Generator[Call, Any, _R]]) -> Callable[_P, _R]:
    """The sync method of a core ``_name``: ``name``, same parameters and docstring."""

    def surface(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        return run(core(*args, **kwargs))

    _named(surface, core, core.__name__.lstrip("_"), core.__doc__)
    return surface


def async_surface(
    core: Callable[_P, Generator[Call, Any, _R]],
) -> Callable[_P, Coroutine[Any, Any, _R]]:
    """The async twin of a core ``_name``: ``aname``, same parameters."""

    async def surface(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        return await arun(core(*args, **kwargs))

    name = core.__name__.lstrip("_")
    _named(surface, core, "a" + name, f"Async twin of :meth:`{name}`.")
    return surface


class _Rows:
    """``evaluate(queryset, needed)``: the rows a serializer will read."""

    def evaluate(self, queryset: Any, needed: bool) -> Any:
        """The sync path lists the queryset only when something must read it first."""
        return list(queryset) if needed else queryset

    async def aevaluate(self, queryset: Any, needed: bool) -> Any:
        """The async path always lists it, in one thread hop: no query on the event loop."""
        return await alist(queryset)


class _Read:
    """``data(serializer)``: a serializer's ``data``."""

    def data(self, serializer: Any) -> Any:
        return serializer.data

    async def adata(self, serializer: Any) -> Any:
        return await adata(serializer)


ROWS = _Rows()
READ = _Read()
