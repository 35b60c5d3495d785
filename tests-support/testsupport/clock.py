"""A settable clock, for the clocks restflow lets tests replace (time moves only when told)."""

from __future__ import annotations

import time

__all__ = ["Clock"]


class Clock:
    """Stands in for a ``now()`` function: returns :attr:`now`, moved by :meth:`advance`.

    Starts at the real time (so values a library compares with the wall clock still make
    sense) unless ``now`` is given.
    """

    def __init__(self, now: float | None = None) -> None:
        self.now = time.time() if now is None else now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the clock ``seconds`` forward."""
        self.now += seconds
