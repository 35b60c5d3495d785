"""restflow.asynccache: the atomic fixed-window counter under concurrency, and its window."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from asynccache_support import PATHS, REDIS, both, fresh_key, need_redis, needs
from django.core.cache import caches

from restflow.asynccache import async_cache, fixed_window
from testsupport.clock import Clock

ATOMIC = ["locmem", *REDIS]  # backends whose own increment is atomic (Memcached too)
CONCURRENT = 50


@pytest.mark.parametrize("alias", [*ATOMIC, "file"])
async def test_concurrent_async_hits_each_get_their_own_count(alias: str) -> None:
    adapter = async_cache(needs(alias))
    key = fresh_key()
    counts = await asyncio.gather(*(adapter.ahit(key, 60) for _ in range(CONCURRENT)))
    assert sorted(counts) == list(range(1, CONCURRENT + 1))


@pytest.mark.parametrize("alias", ATOMIC)
def test_concurrent_sync_hits_from_threads_each_get_their_own_count(alias: str) -> None:
    adapter = async_cache(needs(alias))
    key = fresh_key()
    with ThreadPoolExecutor(max_workers=CONCURRENT) as pool:
        counts = list(pool.map(lambda _: adapter.hit(key, 60), range(CONCURRENT)))
    assert sorted(counts) == list(range(1, CONCURRENT + 1))


@pytest.mark.parametrize("alias", REDIS)
def test_threads_each_with_their_own_loop_share_one_count(alias: str) -> None:
    adapter = async_cache(needs(alias))
    key = fresh_key()

    async def five() -> list[int]:
        return list(await asyncio.gather(*(adapter.ahit(key, 60) for _ in range(5))))

    with ThreadPoolExecutor(max_workers=10) as pool:
        counts = [n for batch in pool.map(lambda _: asyncio.run(five()), range(10)) for n in batch]
    assert sorted(counts) == list(range(1, CONCURRENT + 1))


@pytest.mark.parametrize("alias", REDIS)
@pytest.mark.parametrize("path", PATHS)
async def test_a_redis_counter_lives_its_ttl_and_later_hits_do_not_extend_it(
    alias: str, path: str
) -> None:
    adapter = async_cache(needs(alias))
    key = fresh_key()
    await both(adapter, path, "hit", key, 10)
    await both(adapter, path, "hit", key, 1000)
    ttl = need_redis() and adapter.redis_client().pttl(caches[alias].make_key(key))
    assert 8_000 < ttl <= 10_000


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock(1_800_000_000.0)
    monkeypatch.setattr(time, "time", fake)
    return fake


@pytest.mark.parametrize("alias", ["locmem", "file"])
@pytest.mark.parametrize("path", PATHS)
async def test_a_new_window_counts_from_one_again(alias: str, path: str, clock: Clock) -> None:
    ident, start = fresh_key("client"), clock.now
    counts = []
    for step in (0, 30, 59, 60, 61, 125):  # seconds into the first 60 s window
        clock.now = start + step
        key, ttl = fixed_window(ident, 60, clock.now)
        counts.append(await both(async_cache(alias), path, "hit", key, ttl))
    assert counts == [1, 2, 3, 1, 2, 1]


# Not the file cache: Django's generic ``incr`` (file, database) re-stores the counter with
# the default timeout; the window number in the key keeps the counts right there.
@pytest.mark.parametrize("path", PATHS)
async def test_a_counter_expires_after_its_ttl(path: str, clock: Clock) -> None:
    adapter, key = async_cache("locmem"), fresh_key()
    assert [await both(adapter, path, "hit", key, 5) for _ in range(2)] == [1, 2]
    clock.now += 4.9
    assert await both(adapter, path, "hit", key, 5) == 3  # a later hit keeps the first ttl
    clock.now += 0.2
    assert await both(adapter, path, "hit", key, 5) == 1
