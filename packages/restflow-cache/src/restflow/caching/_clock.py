"""The clock behind restflow-cache's freshness: when an entry was written, when it goes stale.

Every such decision reads ``_clock.now()`` at call time, so tests move time by replacing
:data:`now` (``monkeypatch.setattr(_clock, "now", ...)``). How long a store keeps an entry
(``ttl`` + ``stale_ttl``) is the cache backend's own clock.
"""

from __future__ import annotations

import time
from collections.abc import Callable

__all__ = ["now"]

now: Callable[[], float] = time.time
"""The current Unix time (``time.time`` itself: no call in between on a cache hit)."""
