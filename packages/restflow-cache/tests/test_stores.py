"""The stores' own behaviour: LocMem reads and its record of keys, which store a Redis cache
gets, Redis connections per event loop, locks; sync and async side by side."""

from __future__ import annotations

import asyncio
import gc
import sys
import time
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from restflow.asynccache import Mode, async_cache, wrap_cache
from restflow.caching import ArgsKeyField, KeyConstructor, cache_result
from restflow.caching.stores import GenerationStore, LocMemStore, RedisStore, get_store
from restflow.caching.stores.locmem import KeyIndex

PATHS = ["sync", "async"]


class ByUser(KeyConstructor):
    user = ArgsKeyField("user_id", partition=True)
    page = ArgsKeyField("page")


def run(path: str, wrapper: Any, name: str, *args: Any, **kwargs: Any) -> Any:
    if path == "async":
        return asyncio.run(getattr(wrapper, "a" + name)(*args, **kwargs))
    return getattr(wrapper, name)(*args, **kwargs)


# --- LocMem: hits read what LocMemCache.get reads ------------------------------------------------

ENTRY = ("value", None, 1.0, None)
WRITES: dict[str, Any] = {
    "fresh": lambda cache: cache.set("k", ENTRY, 60),
    "no expiry": lambda cache: cache.set("k", ENTRY, None),
    "expired": lambda cache: cache.set("k", ENTRY, 0),  # 0: already past its expiry
    "absent": lambda cache: None,
    "not an entry": lambda cache: cache.set("k", "a plain value", 60),
}


def _custom_key(key: str, prefix: str, version: int) -> str:
    return f"custom|{prefix}|{version}|{key}"


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(
    "params",
    [{}, {"KEY_PREFIX": "p", "VERSION": 3}, {"KEY_FUNCTION": _custom_key}],
    ids=["default-key", "prefixed", "custom-key"],
)
@pytest.mark.parametrize("written", WRITES)
def test_a_locmem_store_reads_what_locmemcache_get_reads(
    path: str, params: dict[str, Any], written: str
) -> None:
    cache = LocMemCache(f"store-read-{path}-{written}", params)
    store = LocMemStore("read", wrap_cache(cache))  # its reader: the fast one unless turned off
    WRITES[written](cache)
    public = cache.get("k")
    expected = (public if isinstance(public, tuple) else None, cache.has_key("k"))
    cache.clear()
    WRITES[written](cache)
    assert (run(path, store, "get", "k"), cache.has_key("k")) == expected


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


# --- Redis: which store, and its connections ------------------------------------------------


def _settings_with(alias: str, **entry: Any) -> dict[str, Any]:
    return {**django_settings.CACHES, alias: {**django_settings.CACHES[alias], **entry}}


def test_a_django_redis_store_reaches_redis_through_restflow_asynccache(redis_alias: str) -> None:
    store = get_store(redis_alias)
    assert isinstance(store, RedisStore) and store.scans and store.shared_locks
    assert store.cache is async_cache(redis_alias) and store.cache.mode is Mode.REDIS


@pytest.mark.parametrize(
    "options",
    [{"IGNORE_EXCEPTIONS": True}, {"CLIENT_CLASS": "django_redis.client.HerdClient"}],
    ids=["ignore-exceptions", "herd-client"],
)
def test_a_django_redis_setup_not_reached_natively_wipes_through_generations(
    redis_alias: str, options: dict[str, Any]
) -> None:
    with override_settings(CACHES=_settings_with(redis_alias, OPTIONS=options)):
        store = get_store(redis_alias)
        assert isinstance(store, GenerationStore) and not store.shared_locks

        @cache_result(ttl=60, cache_alias=redis_alias)
        def double(n: int) -> int:
            return 2 * n

        assert double(1) == 2
        assert asyncio.run(double.aget_with_metadata(1))[1]["cache_status"] == "HIT"
        assert double.delete_by_prefix() == -1  # a new generation: the count is unknown
        assert double.get_with_metadata(1)[1]["cache_status"] == "MISS"
        scan = {"CACHE": {"CACHE_ALIAS": redis_alias, "PARTITION_STRATEGY": "scan"}}
        refused = pytest.raises(ImproperlyConfigured, match=r"cannot list keys here \(django-redis")
        with override_settings(RESTFLOW_SETTINGS=scan), refused:
            get_store(redis_alias)


@pytest.mark.parametrize("path", PATHS)
def test_each_event_loop_gets_its_own_connection_and_closes_it(redis_alias: str, path: str) -> None:
    @cache_result(ttl=60, cache_alias=redis_alias)
    async def double(n: int) -> int:
        return 2 * n

    unraisable: list[Any] = []
    hook, sys.unraisablehook = sys.unraisablehook, unraisable.append
    try:
        for n in (1, 1, 2):  # one loop per call: each call's loop closes its connection
            value, meta = asyncio.run(double.aget_with_metadata(n))
            assert value == 2 * n
        gc.collect()
    finally:
        sys.unraisablehook = hook
    assert meta["cache_status"] == "MISS" and unraisable == []
    assert run(path, double, "get_with_metadata", 1)[1]["cache_status"] == "HIT"


# --- Redis: stampede locks across processes -----------------------------------------------------


@pytest.mark.parametrize(("taken", "released"), [("sync", "async"), ("async", "sync")])
def test_a_redis_lock_is_released_by_its_token_on_either_path(
    redis_alias: str, taken: str, released: str
) -> None:
    store = get_store(redis_alias)
    assert run(taken, store, "acquire", "lock", "mine", 60)
    assert not run(released, store, "acquire", "lock", "theirs", 60)
    run(released, store, "release", "lock", "theirs")  # not its token: the lock stays
    assert caches[redis_alias].has_key("lock")
    run(released, store, "release", "lock", "mine")
    assert not caches[redis_alias].has_key("lock")


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
    with override_settings(RESTFLOW_SETTINGS={"CACHE": {"STAMPEDE_LOCK_TIMEOUT": 0.2}}):
        lock = slowly.get_cache_key(4) + "::!lock"
        assert store.acquire(lock, "another process", 60)
        started = time.monotonic()
        value, meta = run(path, slowly, "get_with_metadata", 4)
        waited = time.monotonic() - started
    assert (value, meta["cache_status"]) == (4, "MISS") and waited >= 0.2
    store.release(lock, "another process")
