"""Run a helper written once, as a generator of hook calls, on the sync or the async path.

A helper's core (``ViewHelpers._paginated_steps``…) does no I/O: it yields
``(obj, hook, args, kwargs)`` for each call that may, and is sent the result.
:func:`run` calls ``obj.hook(*args, **kwargs)``; :func:`arun` runs it with
restflow's fall-back rule (``acall_hook``: the ``a``-twin when there is one,
a thread for a sync hook that may block). Two hooks only the helpers use are
here too: listing a queryset (:data:`ROWS`) and reading a serializer's data
(:data:`READ`).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from restflow.core import acall_hook
from restflow.pagination._aio import alist
from restflow.views._serializer_io import adata

__all__ = ["READ", "ROWS", "Steps", "arun", "run"]

Call = tuple[Any, str, tuple[Any, ...], dict[str, Any]]
Steps = Generator[Call, Any, Any]


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
