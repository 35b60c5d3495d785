"""DRF's rate syntax (``"<count>/<period>"``) and the fixed window a count falls in."""

from __future__ import annotations

import functools
import math
from typing import Any

__all__ = ["PERIODS", "fixed_window", "parse_rate", "window_wait"]

PERIODS: dict[str, int] = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "seconds": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "minutes": 60,
    "h": 3600,
    "hour": 3600,
    "hours": 3600,
    "d": 86400,
    "day": 86400,
    "days": 86400,
}
"""The period names a rate may use, in seconds (case and surrounding spaces ignored)."""


def parse_rate(rate: Any) -> tuple[int, int]:
    """``(count, seconds)`` for ``"10/min"``, ``"100/day"``, ``"5/s"``.

    The count is a whole ASCII number (0 or more); the period one of :data:`PERIODS`.
    Raises ``ValueError`` saying what is wrong for anything else, strings or not.
    """
    if not isinstance(rate, str):
        raise ValueError(f"a rate is a string such as '10/min', got {rate!r}")
    return _parse(rate)


@functools.lru_cache(maxsize=256)
def _parse(rate: str) -> tuple[int, int]:
    count, slash, period = rate.partition("/")
    count, period = count.strip(), period.strip().lower()
    if not slash or not count.isdigit() or not count.isascii():
        raise ValueError(
            f"{rate!r} is not '<count>/<period>' with a whole count of 0 or more (e.g. '10/min')"
        )
    seconds = PERIODS.get(period)
    if seconds is None:
        raise ValueError(
            f"{rate!r} has an unknown period {period!r}: use one of "
            "s/sec/second, m/min/minute, h/hour, d/day"
        )
    return int(count), seconds


def fixed_window(key: str, duration: int, now: float) -> tuple[str, int]:
    """The counter key of the window ``now`` falls in, and the seconds that counter must live.

    Windows are ``duration`` seconds long and aligned on multiples of it; the counter
    outlives its window by one second, never the reverse.
    """
    window = int(now // duration)
    return f"{key}:{window}", math.ceil((window + 1) * duration - now) + 1


def window_wait(duration: int, now: float) -> float:
    """Seconds from ``now`` until the window it falls in ends (a 429's ``Retry-After``)."""
    return duration - (now % duration)
