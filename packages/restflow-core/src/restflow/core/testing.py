"""Test helpers: count the thread hops an async code path makes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from typing import Any

from asgiref.sync import SyncToAsync

from restflow.core import _fastpaths

__all__ = ["count_hops"]


@contextmanager
def count_hops() -> Iterator[list[Callable[..., Any]]]:
    """Record, while active, every sync function sent to a thread from async code.

    Both kinds of hop are seen: ``sync_to_async`` calls (yours, Django's,
    restflow's fall-back helper) and :func:`restflow.core.run_sync`. The
    list holds the functions in call order::

        with count_hops() as hops:
            await view(request)
        assert [f.__name__ for f in hops] == ["_evaluate"]
    """
    seen: list[Callable[..., Any]] = []
    original_call = SyncToAsync.__call__
    original_start = _fastpaths._start

    async def counted_call(self: SyncToAsync[Any, Any], *args: Any, **kwargs: Any) -> Any:
        seen.append(self.func)
        return await original_call(self, *args, **kwargs)

    def counted_start(executor: Executor, func: Callable[..., Any], work: Any) -> None:
        seen.append(func)
        original_start(executor, func, work)

    SyncToAsync.__call__ = counted_call  # type: ignore[method-assign]
    _fastpaths._start = counted_start
    try:
        yield seen
    finally:
        SyncToAsync.__call__ = original_call  # type: ignore[method-assign]
        _fastpaths._start = original_start
