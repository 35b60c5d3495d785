"""The stores' own behaviour: LocMem's record of keys, Redis clients, locks, sync and async side by side."""

from __future__ import annotations

import asyncio
import gc
import sys
import time
from typing import Any

import pytest
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.test import override_settings

from restflow.caching import ArgsKeyField, KeyConstructor, cache_result
from restflow.caching.stores import RedisStore, get_store
from restflow.caching.stores.clients import async_client_options
from restflow.caching.stores.locmem import KeyIndex

PATHS = ["sync", "async"]


class ByUser(KeyConstructor):
    user = ArgsKeyField("user_id", partition=True)
    page = ArgsKeyField("page")


def run(path: str, wrapper: Any, name: str, *args: Any, **kwargs: Any) -> Any:
    if path == "async":
        return asyncio.run(getattr(wrapper, "a" + name)(*args, **kwargs))
    return getattr(wrapper, name)(*args, **kwargs)


# --- LocMem: wipes delete the keys restflow wrote ------------------------------------------------


@pytest.mark.parametrize("path", PATHS)
def test_a_locmem_wipe_counts_only_the_entries_still_there(path: str) -> None:
    @cache_result(key_constructor=ByUser, ttl=60)
    def pages(user_id: int, page: int) -> str:
        return f"{user_id}/{page}"

    pages(1, 1), pages(1, 2), pages(2, 1)
    caches["default"].delete(pages.get_cache_key(1, 2))  # gone behind restflow's back
    assert run(path, pages, "delete_by_prefix", user_id=1) == 1
    caches["default"].clear()
    assert run(path, pages, "invalidate_all") == 0


def test_a_locmem_dry_run_counts_without_deleting() -> None:
    @cache_result(key_constructor=ByUser, ttl=60)
    def listing(user_id: int, page: int) -> str:
        return f"{user_id}/{page}"

    listing(1, 1), listing(1, 2)
    store = listing.runtime().store
    assert store.delete_prefix(listing.key.head + "::", dry_run=True) == 2
    assert listing.get_with_metadata(1, 1)[1]["cache_status"] == "HIT"


def test_the_key_index_drops_keys_whose_entries_are_gone_when_it_grows() -> None:
    cache = LocMemCache("key-index-test", {"OPTIONS": {"MAX_ENTRIES": 10_000}})
    index = KeyIndex()
    for n in range(1024):
        cache.set(f"old{n}", n)
        index.add(f"old{n}", cache)
    cache.clear()
    cache.set("new", 1)
    index.add("new", cache)  # the 1025th key: past the limit, the gone ones are dropped
    assert index.under("", None) == ["new"]


# --- Redis: the async clients -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"LOCATION": "redis://a:6379/1"}, ("redis://a:6379/1", {})),
        ({"LOCATION": "redis://a/1,redis://b/1"}, ("redis://a/1", {})),
        ({"LOCATION": ["redis://b/2", "redis://c/2"]}, ("redis://b/2", {})),
        (
            {
                "LOCATION": "redis://a/0",
                "OPTIONS": {"PASSWORD": "pw", "SOCKET_TIMEOUT": 2, "SOCKET_CONNECT_TIMEOUT": 1},
            },
            ("redis://a/0", {"password": "pw", "socket_timeout": 2, "socket_connect_timeout": 1}),
        ),
        ({"LOCATION": "redis://a/0", "OPTIONS": {"PASSWORD": ""}}, ("redis://a/0", {})),
    ],
)
def test_the_async_client_reads_the_first_server_and_its_options_from_caches(
    params: dict[str, Any], expected: tuple[str, dict[str, Any]]
) -> None:
    url, options = async_client_options(params)
    assert (url, options) == (expected[0], {"single_connection_client": True, **expected[1]})


def test_the_async_clients_of_a_closed_loop_are_dropped_and_detached(redis_alias: str) -> None:
    @cache_result(ttl=60, cache_alias=redis_alias)
    async def double(n: int) -> int:
        return 2 * n

    store = double.runtime().store
    assert isinstance(store, RedisStore)
    asyncio.run(double(1))
    [(first_loop, first)] = store.clients._loops.items()
    clients = list(first._free)
    unraisable: list[Any] = []
    hook, sys.unraisablehook = sys.unraisablehook, unraisable.append
    try:
        assert asyncio.run(double(1)) == 2  # another loop: the closed one's clients go
        gc.collect()
    finally:
        sys.unraisablehook = hook
    assert first_loop not in store.clients._loops and len(store.clients._loops) == 1
    assert clients and all(client.connection is None for client in clients)
    assert unraisable == []


# --- Redis: stampede locks across processes -----------------------------------------------------


@pytest.mark.parametrize("path", PATHS)
def test_a_failing_function_releases_its_redis_lock(redis_alias: str, path: str) -> None:
    @cache_result(ttl=60, cache_alias=redis_alias)
    def fails(n: int) -> int:
        raise LookupError(n)

    lock = caches[redis_alias].make_key(fails.get_cache_key(1) + "::!lock")
    with pytest.raises(LookupError):
        run(path, fails, "get_with_metadata", 1)
    assert not caches[redis_alias].client.get_client().exists(lock)  # type: ignore[attr-defined]


@pytest.mark.parametrize("path", PATHS)
def test_a_call_waits_for_a_held_lock_then_computes_when_it_expires(
    redis_alias: str, path: str
) -> None:
    @cache_result(ttl=60, cache_alias=redis_alias)
    def slowly(n: int) -> int:
        return n

    store = get_store(redis_alias)
    with override_settings(RESTFLOW_SETTINGS={"CACHE_SETTINGS": {"STAMPEDE_LOCK_TIMEOUT": 0.2}}):
        lock = slowly.get_cache_key(4) + "::!lock"
        assert store.acquire(lock, "another process", 60)
        started = time.monotonic()
        value, meta = run(path, slowly, "get_with_metadata", 4)
        waited = time.monotonic() - started
    assert (value, meta["cache_status"]) == (4, "MISS") and waited >= 0.2
    store.release(lock, "another process")
