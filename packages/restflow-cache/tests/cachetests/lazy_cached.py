"""Imported only on demand, by ``get_wrapper`` (as a worker would)."""

from __future__ import annotations

from restflow.caching import cache_result


@cache_result(ttl=60)
def lazy(x: int) -> int:
    return x * 2
