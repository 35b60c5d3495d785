"""Count thread hops (``sync_to_async`` or ``run_sync`` calls) made on the async path."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from restflow.core.testing import count_hops as _count_hops


class HopCounter:
    """How many functions were sent to a thread, and which."""

    def __init__(self, functions: list[Any]) -> None:
        self.functions = functions

    @property
    def count(self) -> int:
        return len(self.functions)

    @property
    def names(self) -> list[str]:
        """The functions' names (a ``functools.partial`` by the function it wraps)."""
        found = []
        for function in self.functions:
            function = getattr(function, "func", function)
            found.append(getattr(function, "__name__", type(function).__name__))
        return found


@contextmanager
def count_hops() -> Iterator[HopCounter]:
    """Count, for the duration of the block, every function sent to a thread."""
    with _count_hops() as seen:
        yield HopCounter(seen)
