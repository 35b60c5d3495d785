"""Count thread hops (``sync_to_async`` calls) made on the async path."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from asgiref.sync import SyncToAsync


class HopCounter:
    """How many ``sync_to_async`` calls ran, and the functions they ran."""

    def __init__(self) -> None:
        self.functions: list[Any] = []

    @property
    def count(self) -> int:
        return len(self.functions)


@contextmanager
def count_hops() -> Iterator[HopCounter]:
    """Patch ``SyncToAsync.__call__`` for the duration of the block and count its calls."""
    counter = HopCounter()
    original = SyncToAsync.__call__

    async def counting(self: SyncToAsync, *args: Any, **kwargs: Any) -> Any:  # type: ignore[type-arg]
        counter.functions.append(self.func)
        return await original(self, *args, **kwargs)

    SyncToAsync.__call__ = counting  # type: ignore[method-assign]
    try:
        yield counter
    finally:
        SyncToAsync.__call__ = original  # type: ignore[method-assign]
