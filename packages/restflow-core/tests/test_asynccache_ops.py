"""restflow.asynccache: every operation in every mode, the sync and async paths side by side.

Modes: ``locmem``/``dummy`` (LOOP), ``file`` (THREAD), ``redis``/``django_redis`` (REDIS).
"""

from __future__ import annotations

from typing import Any

import pytest
from asynccache_support import ALL, PATHS, REDIS, STORING, both, fresh_key, needs
from django.core.cache import caches

from restflow.asynccache import Mode, PrefixScan, async_cache
from restflow.core.testing import count_hops

VALUES = [7, -3, "text", {"nested": [1, 2.5, None]}, (1, "two"), True, b"\x00\xff", 1.5]
EXPECTED_MODE = {"locmem": Mode.LOOP, "dummy": Mode.LOOP, "file": Mode.THREAD}


@pytest.mark.parametrize("alias", ALL)
def test_each_backend_gets_its_mode(alias: str) -> None:
    adapter = async_cache(needs(alias))
    assert adapter.mode is EXPECTED_MODE.get(alias, Mode.REDIS), adapter.reason
    assert adapter.in_process is (adapter.mode is Mode.LOOP)


@pytest.mark.parametrize("alias", STORING)
@pytest.mark.parametrize("path", PATHS)
class TestOperations:
    async def test_set_then_get_round_trips_every_kind_of_value(
        self, alias: str, path: str
    ) -> None:
        adapter = async_cache(needs(alias))
        for value in VALUES:
            key = fresh_key()
            await both(adapter, path, "set", key, value, 60)
            assert await both(adapter, path, "get", key) == value
            assert caches[alias].get(key) == value  # what the cache itself reads back

    async def test_get_of_a_missing_key_is_the_default(self, alias: str, path: str) -> None:
        adapter = async_cache(needs(alias))
        assert await both(adapter, path, "get", fresh_key()) is None
        assert await both(adapter, path, "get", fresh_key(), "fallback") == "fallback"

    async def test_add_stores_only_when_the_key_is_free(self, alias: str, path: str) -> None:
        adapter = async_cache(needs(alias))
        key = fresh_key()
        assert await both(adapter, path, "add", key, "first", 60) is True
        assert await both(adapter, path, "add", key, "second", 60) is False
        assert caches[alias].get(key) == "first"

    async def test_delete_says_whether_the_key_was_there(self, alias: str, path: str) -> None:
        adapter = async_cache(needs(alias))
        key = fresh_key()
        caches[alias].set(key, 1, 60)
        assert await both(adapter, path, "delete", key) is True
        assert await both(adapter, path, "delete", key) is False
        assert caches[alias].get(key) is None

    async def test_has_key(self, alias: str, path: str) -> None:
        adapter = async_cache(needs(alias))
        key = fresh_key()
        assert await both(adapter, path, "has_key", key) is False
        caches[alias].set(key, 0, 60)  # a falsy value is still a value
        assert await both(adapter, path, "has_key", key) is True

    async def test_get_many_leaves_out_missing_keys(self, alias: str, path: str) -> None:
        adapter = async_cache(needs(alias))
        here, there, gone = fresh_key(), fresh_key(), fresh_key()
        await both(adapter, path, "set_many", {here: {"a": 1}, there: 2}, 60)
        found = await both(adapter, path, "get_many", [here, gone, there])
        assert found == {here: {"a": 1}, there: 2}
        assert await both(adapter, path, "get_many", []) == {}

    async def test_delete_many(self, alias: str, path: str) -> None:
        adapter = async_cache(needs(alias))
        keys = [fresh_key() for _ in range(3)]
        caches[alias].set_many(dict.fromkeys(keys, "v"), 60)
        await both(adapter, path, "delete_many", keys[:2])
        await both(adapter, path, "delete_many", [])
        assert caches[alias].get_many(keys) == {keys[2]: "v"}

    @pytest.mark.parametrize("expiry", [0, -5])
    async def test_an_expired_timeout_leaves_nothing(
        self, alias: str, path: str, expiry: int
    ) -> None:
        adapter = async_cache(needs(alias))
        key, other = fresh_key(), fresh_key()
        caches[alias].set(key, "old", 60)
        await both(adapter, path, "set", key, "new", expiry)
        assert await both(adapter, path, "add", other, "new", expiry) is True
        assert caches[alias].get_many([key, other]) == {}

    async def test_timeout_none_never_expires(self, alias: str, path: str) -> None:
        adapter = async_cache(needs(alias))
        key = fresh_key()
        await both(adapter, path, "set", key, "kept", None)
        assert caches[alias].get(key) == "kept"
        caches[alias].delete(key)

    async def test_hit_counts_from_one(self, alias: str, path: str) -> None:
        adapter = async_cache(needs(alias))
        key = fresh_key()
        assert [await both(adapter, path, "hit", key, 60) for _ in range(3)] == [1, 2, 3]
        assert caches[alias].get(key) == 3  # an int the cache itself reads
        caches[alias].incr(key)  # and increments
        assert await both(adapter, path, "hit", key, 60) == 5

    async def test_delete_if_equal_deletes_only_that_value(self, alias: str, path: str) -> None:
        adapter = async_cache(needs(alias))
        key = fresh_key()
        caches[alias].set(key, "token-a", 60)
        assert await both(adapter, path, "delete_if_equal", key, "token-b") is False
        assert caches[alias].get(key) == "token-a"
        assert await both(adapter, path, "delete_if_equal", key, "token-a") is True
        assert caches[alias].get(key) is None
        assert await both(adapter, path, "delete_if_equal", key, "token-a") is False


@pytest.mark.parametrize("path", PATHS)
class TestDummy:
    async def test_keeps_nothing_and_every_hit_is_the_first(self, path: str) -> None:
        adapter = async_cache("dummy")
        key = fresh_key()
        await both(adapter, path, "set", key, 1, 60)
        assert await both(adapter, path, "get", key, "default") == "default"
        assert await both(adapter, path, "add", key, 1, 60) is True
        assert await both(adapter, path, "has_key", key) is False
        assert await both(adapter, path, "get_many", [key]) == {}
        assert [await both(adapter, path, "hit", key, 60) for _ in range(2)] == [1, 1]


@pytest.mark.parametrize("alias", REDIS)
@pytest.mark.parametrize("path", PATHS)
class TestPrefixWipes:
    def _fill(self, alias: str) -> tuple[str, dict[str, int]]:
        head = fresh_key("wipe") + "::"
        keys = {f"{head}a::v1::x": 1, f"{head}a::v2::y": 2, f"{head}b::v1::z": 3, f"{head}[*?]": 4}
        caches[alias].set_many(keys, 60)
        return head, keys

    async def test_a_prefix_wipe_deletes_what_starts_with_it(self, alias: str, path: str) -> None:
        adapter = async_cache(needs(alias))
        assert adapter.scans
        head, keys = self._fill(alias)
        assert await both(adapter, path, "delete_prefix", PrefixScan(head + "a::")) == 2
        assert set(caches[alias].get_many(list(keys))) == {f"{head}b::v1::z", f"{head}[*?]"}
        # glob characters in the prefix are matched literally
        assert await both(adapter, path, "delete_prefix", PrefixScan(head + "[*?]")) == 1

    async def test_infix_keep_and_dry_run_narrow_the_wipe(self, alias: str, path: str) -> None:
        adapter = async_cache(needs(alias))
        head, keys = self._fill(alias)
        dry = PrefixScan(head, infix="::v1::", dry_run=True, batch_size=1)
        assert await both(adapter, path, "delete_prefix", dry) == 2
        assert len(caches[alias].get_many(list(keys))) == 4
        picky = PrefixScan(head, infix="::v1::", keep=lambda key: key.endswith("z"))
        assert await both(adapter, path, "delete_prefix", picky) == 1
        assert f"{head}b::v1::z" not in caches[alias].get_many(list(keys))


@pytest.mark.parametrize("alias", ["locmem", "file"])
@pytest.mark.parametrize("path", PATHS)
async def test_a_cache_that_cannot_list_keys_refuses_a_prefix_wipe(alias: str, path: str) -> None:
    adapter = async_cache(alias)
    assert not adapter.scans
    with pytest.raises(NotImplementedError, match=alias):
        await both(adapter, path, "delete_prefix", PrefixScan("p::"))


ASYNC_OPS: list[tuple[str, tuple[Any, ...]]] = [
    ("get", ("k",)),
    ("get_many", (["k", "j"],)),
    ("set", ("k", 1, 60)),
    ("set_many", ({"k": 1, "j": 2}, 60)),
    ("add", ("k", 1, 60)),
    ("delete", ("k",)),
    ("delete_many", (["k", "j"],)),
    ("has_key", ("k",)),
    ("hit", ("k", 60)),
    ("delete_if_equal", ("k", 1)),
]


@pytest.mark.parametrize("alias", ALL)
@pytest.mark.parametrize(("op", "args"), ASYNC_OPS, ids=[op for op, _ in ASYNC_OPS])
async def test_only_the_thread_mode_hops_and_then_once(
    alias: str, op: str, args: tuple[Any, ...]
) -> None:
    adapter = async_cache(needs(alias))
    args = tuple(fresh_key() if arg == "k" else arg for arg in args)
    await both(adapter, "async", op, *args)  # connections made first
    with count_hops() as hops:
        await both(adapter, "async", op, *args)
    assert len(hops) == (1 if adapter.mode is Mode.THREAD else 0)
