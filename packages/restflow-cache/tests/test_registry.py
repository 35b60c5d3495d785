"""Wipes that span every function keyed by one constructor go through the registry, sync and async."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from restflow.caching import CACHE_MISSING, ArgsKeyField, KeyConstructor, cache_result
from restflow.caching.registry import sum_counts


def wipe(constructor: type[KeyConstructor], path: str, **partition_values: Any) -> int:
    if path == "async":
        return asyncio.run(constructor.awipe(**partition_values))
    return constructor.wipe(**partition_values)


@pytest.mark.parametrize("path", ["sync", "async"])
def test_a_constructor_wipe_drops_and_counts_the_entries_of_every_function_using_it(
    alias: str, path: str
) -> None:
    class ByUser(KeyConstructor):
        user = ArgsKeyField("user_id")

    @cache_result(key_constructor=ByUser, cache_alias=alias, ttl=60)
    def profile(user_id: int) -> str:
        return f"profile {user_id}"

    @cache_result(key_constructor=ByUser, cache_alias=alias, ttl=60)
    async def settings_of(user_id: int) -> str:
        return f"settings {user_id}"

    @cache_result(cache_alias=alias, ttl=60)
    def unrelated(user_id: int) -> str:
        return f"other {user_id}"

    profile(1), profile(2), asyncio.run(settings_of(1)), unrelated(1)
    assert wipe(ByUser, path) == (-1 if alias == "files" else 3)
    assert profile.get_cache_only(1) is CACHE_MISSING
    assert profile.get_cache_only(2) is CACHE_MISSING
    assert settings_of.get_cache_only(1) is CACHE_MISSING
    assert unrelated.get_cache_only(1) == "other 1"


@pytest.mark.parametrize("path", ["sync", "async"])
def test_a_constructor_wipe_with_partition_values_drops_that_partition_only(
    alias: str, path: str
) -> None:
    class UserKey(KeyConstructor):
        user = ArgsKeyField("user_id", partition=True)
        scope = ArgsKeyField("scope")

    @cache_result(key_constructor=UserKey, cache_alias=alias, ttl=60)
    def payload(user_id: int, scope: str) -> str:
        return f"payload {user_id} {scope}"

    @cache_result(key_constructor=UserKey, cache_alias=alias, ttl=60)
    async def summary(user_id: int, scope: str) -> str:
        return f"summary {user_id} {scope}"

    payload(1, "full"), payload(1, "short"), payload(2, "full")
    asyncio.run(summary(1, "full")), asyncio.run(summary(2, "full"))
    count = wipe(UserKey, path, user_id=1)
    assert count == (-1 if alias == "files" else 3)
    assert payload.get_cache_only(1, "full") is CACHE_MISSING
    assert payload.get_cache_only(1, "short") is CACHE_MISSING
    assert summary.get_cache_only(1, "full") is CACHE_MISSING
    assert payload.get_cache_only(2, "full") == "payload 2 full"
    assert summary.get_cache_only(2, "full") == "summary 2 full"


@pytest.mark.parametrize("path", ["sync", "async"])
def test_a_wipe_over_a_backend_that_cannot_count_is_unknown(path: str) -> None:
    class Mixed(KeyConstructor):
        n = ArgsKeyField("n")

    @cache_result(key_constructor=Mixed, cache_alias="default", ttl=60)
    def counted(n: int) -> int:
        return n

    @cache_result(key_constructor=Mixed, cache_alias="files", ttl=60)
    def uncounted(n: int) -> int:
        return n

    counted(1), uncounted(1)
    assert wipe(Mixed, path) == -1
    assert (
        counted.get_cache_only(1) is CACHE_MISSING and uncounted.get_cache_only(1) is CACHE_MISSING
    )


@pytest.mark.parametrize(
    ("counts", "total"), [([], 0), ([2, 3], 5), ([2, -1, 3], -1), ([-1, 0], -1)]
)
def test_sum_counts_is_unknown_as_soon_as_one_count_is(counts: list[Any], total: int) -> None:
    assert sum_counts(counts) == total
