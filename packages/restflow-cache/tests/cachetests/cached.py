"""Found by the ``restflow.caching`` app at start-up (``AUTODISCOVER_MODULES``)."""

from __future__ import annotations

from restflow.caching import cache_result


@cache_result(ttl=60)
def discovered(x: int) -> int:
    return x
