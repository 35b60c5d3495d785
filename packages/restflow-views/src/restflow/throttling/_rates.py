"""DRF's rate syntax: ``"<count>/<period>"``, parsed once per distinct string."""

from __future__ import annotations

import functools

__all__ = ["PERIODS", "parse_rate"]

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


@functools.lru_cache(maxsize=256)
def parse_rate(rate: str) -> tuple[int, int]:
    """Return ``(num_requests, duration_seconds)`` for ``"10/min"``, ``"100/day"``, ``"5/s"``.

    Raises ``ValueError`` with the reason when ``rate`` is not of that form.
    """
    if not isinstance(rate, str):
        raise ValueError(f"a rate is a string such as '10/min', got {rate!r}")
    count, slash, period = rate.partition("/")
    count, period = count.strip(), period.strip().lower()
    if not slash or not count.isdigit() or not count.isascii():
        raise ValueError(
            f"{rate!r} is not '<count>/<period>' with a whole count of 0 or more (e.g. '10/min')"
        )
    duration = PERIODS.get(period)
    if duration is None:
        raise ValueError(
            f"{rate!r} has an unknown period {period!r}: use one of "
            "s/sec/second, m/min/minute, h/hour, d/day"
        )
    return int(count), duration
