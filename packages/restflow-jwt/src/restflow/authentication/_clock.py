"""The clock behind restflow-jwt's expiry decisions: token times, blacklist lifetimes, purges.

Everything reads ``_clock.now()`` at call time, so tests move time by replacing
:func:`now` (and tools that patch ``time.time`` keep working).
"""

from __future__ import annotations

import time

__all__ = ["now"]


def now() -> float:
    """The current Unix time."""
    return time.time()
