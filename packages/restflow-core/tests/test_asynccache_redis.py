"""restflow.asynccache on Redis: what the sync cache writes the async client reads and the other
way round, expiry as the sync cache sets it, one client per event loop, and the configurations
that fall back to Django's async API."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from asynccache_support import REDIS, REDIS_CODECS, fresh_key, need_redis, needs, redis_caches
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from restflow.asynccache import AsyncCache, Mode, async_cache, wrap_cache
from restflow.core.testing import count_hops

JSON_VALUES: list[Any] = [0, 42, -7, "text", "", {"a": [1, "b", None]}, [1, 2], 2.5, True, None]
PICKLED_VALUES: list[Any] = [*JSON_VALUES, (1, "tuple"), b"\x00bytes", {1, 2}, "x" * 5000]


def values_of(alias: str) -> list[Any]:
    return JSON_VALUES if "json" in alias or "zlib" in alias else PICKLED_VALUES


@pytest.mark.parametrize("alias", REDIS_CODECS)
class TestInterop:
    async def test_the_async_side_reads_what_the_sync_cache_wrote(self, alias: str) -> None:
        adapter = async_cache(needs(alias))
        for value in values_of(alias):
            key = fresh_key()
            caches[alias].set(key, value, 60)
            assert await adapter.aget(key, "missing") == value
            assert await adapter.aget_many([key]) == {key: value}

    async def test_the_sync_cache_reads_what_the_async_side_wrote(self, alias: str) -> None:
        adapter = async_cache(needs(alias))
        for value in values_of(alias):
            key, many = fresh_key(), fresh_key()
            await adapter.aset(key, value, 60)
            await adapter.aset_many({many: value}, 60)
            assert caches[alias].get(key, "missing") == value
            assert caches[alias].get_many([many]) == {many: value}

    async def test_both_sides_store_the_same_bytes(self, alias: str) -> None:
        adapter = async_cache(needs(alias))
        raw = adapter.redis_client()
        for value in values_of(alias):
            sync_key, async_key = fresh_key(), fresh_key()
            caches[alias].set(sync_key, value, 60)
            await adapter.aset(async_key, value, 60)
            made = caches[alias].make_key
            assert raw.get(made(sync_key)) == raw.get(made(async_key)), value

    async def test_counters_are_plain_integers_on_both_sides(self, alias: str) -> None:
        adapter = async_cache(needs(alias))
        key = fresh_key()
        caches[alias].set(key, 5, 60)
        assert await adapter.ahit(key, 60) == 6
        assert caches[alias].incr(key) == 7
        assert await adapter.aget(key) == 7


TIMEOUTS = [DEFAULT_TIMEOUT, None, 30, 2.5, 0.4, 0, -1]


@pytest.mark.parametrize("alias", REDIS)
@pytest.mark.parametrize("expiry", TIMEOUTS, ids=repr)
@pytest.mark.parametrize("op", ["set", "add"])
async def test_the_async_side_sets_the_expiry_the_sync_cache_sets(
    alias: str, expiry: Any, op: str
) -> None:
    adapter = async_cache(needs(alias))
    raw, made = adapter.redis_client(), caches[alias].make_key
    sync_key, async_key = fresh_key(), fresh_key()
    sync_result = getattr(caches[alias], op)(sync_key, "v", expiry)
    async_result = await getattr(adapter, "a" + op)(async_key, "v", expiry)
    if op == "add":  # set answers None in Django's API (django-redis's own says True)
        assert sync_result == async_result
    sync_ttl, async_ttl = raw.pttl(made(sync_key)), raw.pttl(made(async_key))
    if sync_ttl < 0:  # -2: not stored, -1: no expiry
        assert async_ttl == sync_ttl
    else:  # written one after the other: the same expiry, to a few milliseconds
        assert 0 <= sync_ttl - async_ttl < 100 or 0 <= async_ttl - sync_ttl < 100
        assert async_ttl > 0


@pytest.mark.parametrize("alias", REDIS)
class TestClientsPerLoop:
    async def test_one_client_per_loop(self, alias: str) -> None:
        adapter = async_cache(needs(alias))
        here = await adapter.aredis_client()
        assert await adapter.aredis_client() is here

        async def elsewhere() -> Any:
            return await adapter.aredis_client()

        other = await asyncio.to_thread(asyncio.run, elsewhere())
        assert other is not here

    def test_a_loop_s_connections_close_when_it_shuts_down(self, alias: str) -> None:
        adapter = async_cache(needs(alias))
        watcher = adapter.redis_client()
        adapter.hit(fresh_key(), 60)  # the sync pool's connection exists first
        before = watcher.info("clients")["connected_clients"]

        async def burst() -> int:
            await asyncio.gather(*(adapter.ahit(fresh_key(), 60) for _ in range(5)))
            return int((await (await adapter.aredis_client()).info("clients"))["connected_clients"])

        during = [asyncio.run(burst()) for _ in range(3)]
        assert all(count > before for count in during)
        # (fewer is possible: other tests' leftovers may be collected meanwhile)
        assert watcher.info("clients")["connected_clients"] <= before

    async def test_aclose_closes_the_running_loop_s_client_and_a_new_one_follows(
        self, alias: str
    ) -> None:
        adapter = async_cache(needs(alias))
        first = await adapter.aredis_client()
        await adapter.aclose()
        assert await adapter.aredis_client() is not first
        assert await adapter.ahit(fresh_key(), 60) == 1


class FussyRedisCache(RedisCache):
    """A subclass: it may do anything its parent does not."""


def _fallbacks(url: str) -> dict[str, dict[str, Any]]:
    django, django_redis = (
        "django.core.cache.backends.redis.RedisCache",
        "django_redis.cache.RedisCache",
    )
    return {
        "pool_class": {
            "BACKEND": django,
            "LOCATION": url,
            "OPTIONS": {"pool_class": "redis.BlockingConnectionPool"},
        },
        "unknown_option": {"BACKEND": django, "LOCATION": url, "OPTIONS": {"no_such_option": 1}},
        "subclass": {"BACKEND": f"{__name__}.FussyRedisCache", "LOCATION": url},
        "herd": {
            "BACKEND": django_redis,
            "LOCATION": url,
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.HerdClient"},
        },
        "sentinel": {
            "BACKEND": django_redis,
            "LOCATION": "redis://mymaster/0",
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.SentinelClient",
                "CONNECTION_FACTORY": "django_redis.pool.SentinelConnectionFactory",
                "SENTINELS": [("127.0.0.1", 1)],
            },
        },
        "ignore_exceptions": {
            "BACKEND": django_redis,
            "LOCATION": url,
            "OPTIONS": {"IGNORE_EXCEPTIONS": True},
        },
        "own_pool": {
            "BACKEND": django_redis,
            "LOCATION": url,
            "OPTIONS": {"CONNECTION_POOL_CLASS": "redis.BlockingConnectionPool"},
        },
    }


@pytest.mark.parametrize(
    "alias",
    [
        "pool_class",
        "unknown_option",
        "subclass",
        "herd",
        "sentinel",
        "ignore_exceptions",
        "own_pool",
    ],
)
async def test_configurations_not_understood_use_django_s_async_api(alias: str) -> None:
    url = need_redis()
    setting = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with override_settings(CACHES={**setting, alias: _fallbacks(url)[alias]}):
        adapter = async_cache(alias)
        assert adapter.mode is Mode.THREAD
        assert adapter.reason
        if alias in ("sentinel", "unknown_option"):
            return  # no Sentinel here, and Django refuses the option too: the decision is tested
        key = fresh_key()
        with count_hops() as hops:
            await adapter.aset(key, {"v": 1}, 60)
            assert await adapter.aget(key) == {"v": 1}
            if alias != "herd":  # django-redis's HerdClient has no incr
                assert await adapter.ahit(fresh_key(), 60) == 1
        assert len(hops) == (2 if alias == "herd" else 3)


class TestRegistry:
    def test_one_adapter_per_alias(self) -> None:
        assert async_cache("locmem") is async_cache("locmem")
        assert async_cache() is async_cache("default")

    def test_a_caches_change_decides_again(self) -> None:
        url = need_redis()
        before = async_cache("locmem")
        with override_settings(CACHES={"locmem": redis_caches(url)["redis"]}):
            swapped = async_cache("locmem")
            assert swapped.mode is Mode.REDIS
        after = async_cache("locmem")
        assert after.mode is Mode.LOOP
        assert before is not after

    def test_an_alias_missing_from_caches_is_named(self) -> None:
        with pytest.raises(ImproperlyConfigured, match="'nowhere' is not in CACHES"):
            async_cache("nowhere")

    def test_a_cache_object_without_alias_is_wrapped(self) -> None:
        assert wrap_cache(caches["locmem"]).mode is Mode.LOOP
        wrapped = wrap_cache(caches["file"])
        assert isinstance(wrapped, AsyncCache)
        assert wrapped.mode is Mode.THREAD
        key = fresh_key()
        wrapped.set(key, 1, 60)
        assert caches["file"].get(key) == 1

    async def test_the_redis_clients_exist_only_in_redis_mode(self) -> None:
        with pytest.raises(TypeError, match="loop mode"):
            await async_cache("locmem").aredis_client()
