"""restflow.asynccache._fastpaths: the LocMem reader answers what ``cache.get`` answers, is
detected or refused by shape, and ``RESTFLOW_FAST_PATHS=0`` turns it off."""

from __future__ import annotations

import subprocess
import sys
import time
from typing import Any

import pytest
from asynccache_support import fresh_key
from django.core.cache import CacheKeyWarning, caches
from django.core.cache.backends.locmem import LocMemCache

from restflow.asynccache import _fastpaths, async_cache
from restflow.asynccache.adapter import LoopCache

VALUES: list[Any] = [1, "text", {"a": [1, None]}, (1, 2), None, b"\x00"]


def reader_and_cache() -> tuple[Any, LocMemCache]:
    cache = caches["locmem"]
    assert _fastpaths._has_locmem_shape(cache)
    return _fastpaths.LocMemReader(cache), cache  # even when RESTFLOW_FAST_PATHS=0


def test_the_reader_answers_what_cache_get_answers() -> None:
    reader, cache = reader_and_cache()
    for value in VALUES:
        key = fresh_key()
        cache.set(key, value, 60)
        assert reader(key) == cache.get(key) == value
        assert reader(key, "d") == cache.get(key, "d")
    missing = fresh_key()
    assert reader(missing) is cache.get(missing) is None
    assert reader(missing, "d") == cache.get(missing, "d") == "d"


def test_the_reader_expires_and_drops_entries_as_cache_get_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reader, cache = reader_and_cache()
    now = [1_800_000_000.0]
    monkeypatch.setattr(time, "time", lambda: now[0])
    fast, public = fresh_key(), fresh_key()
    cache.set_many({fast: "v", public: "v"}, 5)
    now[0] += 4.9
    assert reader(fast) == cache.get(public) == "v"
    now[0] += 0.2
    assert reader(fast, "gone") == cache.get(public, "gone") == "gone"
    now[0] -= 5.1  # back before the expiry: both entries were deleted, not just hidden
    assert reader(fast) is cache.get(public) is None


def test_the_reader_warns_about_unportable_keys_like_cache_get() -> None:
    reader, cache = reader_and_cache()
    key = fresh_key("with space ")
    with pytest.warns(CacheKeyWarning):
        cache.get(key)
    with pytest.warns(CacheKeyWarning):
        reader(key)


class OwnGet(LocMemCache):
    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        return "own"


def test_a_cache_of_another_shape_is_read_publicly() -> None:
    assert _fastpaths.locmem_reader(OwnGet("own", {})) is None
    assert _fastpaths.locmem_reader(caches["file"]) is None
    adapter = LoopCache("own", OwnGet("own", {}))
    assert adapter.get("anything") == "own"


class ExpiryElsewhere(LocMemCache):
    def __init__(self, name: str, params: dict[str, Any]) -> None:
        super().__init__(name, params)
        self._expire_info = None  # what a future Django might do: expiry kept another way


def test_a_locmemcache_whose_expiry_moved_is_read_publicly() -> None:
    assert _fastpaths.locmem_reader(ExpiryElsewhere("moved", {})) is None


def test_turned_off_the_adapter_reads_through_cache_get(monkeypatch: pytest.MonkeyPatch) -> None:
    assert ("get" in vars(async_cache("locmem"))) is _fastpaths.ENABLED  # on by default
    reader = _fastpaths.locmem_reader(caches["locmem"])
    assert isinstance(reader, _fastpaths.LocMemReader) is _fastpaths.ENABLED
    monkeypatch.setattr(_fastpaths, "ENABLED", False)
    adapter = LoopCache("locmem", caches["locmem"])
    assert "get" not in vars(adapter)
    key = fresh_key()
    caches["locmem"].set(key, "v", 60)
    assert adapter.get(key) == "v"


@pytest.mark.parametrize(("value", "enabled"), [("0", "False"), ("1", "True"), ("", "True")])
def test_restflow_fast_paths_0_is_read_at_import(value: str, enabled: str) -> None:
    code = "from restflow.asynccache import _fastpaths; print(_fastpaths.ENABLED)"
    env = {"RESTFLOW_FAST_PATHS": value, "PATH": ""}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.strip() == enabled
