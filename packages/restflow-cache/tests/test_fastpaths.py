"""``restflow.caching._fastpaths``: each private read returns what the public path returns."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache.backends.locmem import LocMemCache

from restflow.caching import _fastpaths
from restflow.caching.stores import LocMemStore, Store

ENTRY = ("value", None, 1.0, None)


def _custom_key(key: str, prefix: str, version: int) -> str:
    return f"custom|{prefix}|{version}|{key}"


def _caches() -> list[LocMemCache]:
    return [
        LocMemCache("fastpath-default-key", {}),
        LocMemCache("fastpath-prefixed", {"KEY_PREFIX": "p", "VERSION": 3}),
        LocMemCache("fastpath-custom-key", {"KEY_FUNCTION": _custom_key}),
    ]


WRITES: dict[str, Callable[[LocMemCache], None]] = {
    "fresh": lambda cache: cache.set("k", ENTRY, 60),
    "no expiry": lambda cache: cache.set("k", ENTRY, None),
    "expired": lambda cache: cache.set("k", ENTRY, 0),  # 0: already past its expiry
    "absent": lambda cache: None,
    "not an entry": lambda cache: cache.set("k", "a plain value", 60),
}


@pytest.mark.skipif(
    not _fastpaths._locmem_has_expected_shape(), reason="LocMemCache's internals changed"
)
@pytest.mark.parametrize("cache", _caches(), ids=["default-key", "prefixed", "custom-key"])
@pytest.mark.parametrize("written", WRITES)
def test_the_locmem_fast_read_returns_what_locmemcache_get_returns(
    cache: LocMemCache, written: str
) -> None:
    fast = _fastpaths._locmem_reader(cache)  # even when RESTFLOW_FAST_PATHS=0
    public = Store("fastpath", cache).get
    results = []
    for read in (fast, public):
        cache.clear()
        WRITES[written](cache)
        results.append((read("k", ()), cache.has_key("k")))
    assert results[0] == results[1]


def test_a_locmem_store_reads_through_the_fast_path_only_when_it_is_on() -> None:
    store = LocMemStore("default", LocMemCache("fastpath-store", {}))
    assert ("get" in vars(store)) is _fastpaths.LOCMEM
    store.set("k", ENTRY, 60)
    assert store.get("k") == ENTRY


def test_another_cache_gets_no_fast_read() -> None:
    from django.core.cache.backends.dummy import DummyCache

    assert _fastpaths.locmem_get(DummyCache("host", {})) is None


def test_a_locmemcache_of_another_shape_is_detected(monkeypatch: pytest.MonkeyPatch) -> None:
    class Reshaped(LocMemCache):
        def __init__(self, name: str, params: dict[str, Any]) -> None:
            super().__init__(name, params)
            del self._cache  # what a future Django might do: the storage moved elsewhere

    monkeypatch.setattr(_fastpaths, "LocMemCache", Reshaped)
    assert _fastpaths._locmem_has_expected_shape() is False


_PROBE = """
import django
from django.conf import settings
settings.configure(INSTALLED_APPS=["restflow.core"], CACHES={{"default": {{
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}}})
django.setup()
from django.core.cache import caches
from restflow.caching import _fastpaths
from restflow.caching.stores import get_store
store = get_store("default")
store.set("k", ("v", None, 1.0, None), 60)
print(_fastpaths.ENABLED, _fastpaths.LOCMEM, _fastpaths.locmem_get(caches["default"]) is None,
      "get" in vars(store), store.get("k")[0])
"""


@pytest.mark.parametrize("value", ["0", "1"])
def test_restflow_fast_paths_0_forces_every_public_path(value: str) -> None:
    on = value == "1" and _fastpaths._locmem_has_expected_shape()
    expected = f"{value == '1'} {on} {not on} {on} v"
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_PROBE.format())],
        capture_output=True,
        text=True,
        env={**os.environ, "RESTFLOW_FAST_PATHS": value},
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[0] == expected
