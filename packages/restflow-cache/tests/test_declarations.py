"""Bad ``cache_result`` declarations are a ``TypeError`` naming the culprit, bare or with options."""

from __future__ import annotations

import pytest

from restflow.caching import cache_result


def test_an_unknown_option_is_named_with_the_known_ones() -> None:
    with pytest.raises(TypeError, match=r"unknown option\(s\) tll; known: cache_alias, .*ttl"):
        cache_result(tll=5)  # type: ignore[call-arg]


def test_an_unknown_option_with_the_function_is_refused_too() -> None:
    def f(x: int) -> int:
        return x

    with pytest.raises(TypeError, match=r"unknown option\(s\) stale"):
        cache_result(f, stale=5)  # type: ignore[call-arg]
