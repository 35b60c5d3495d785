"""``@cache_result`` and ``CachedWrapper``: statuses, control methods, sync and async side by side.

Every test runs on each store (LocMem, a file cache with generation counters, Redis) and,
where it reads well, on the sync and the async path with the same cases.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import caches
from django.test import override_settings

from cachetests.keys import UserKey
from restflow.caching import (
    CACHE_MISSING,
    ArgsKeyField,
    CachedWrapper,
    ContextKeyField,
    KeyConstructor,
    cache_result,
)
from restflow.core.fallback import call
from testsupport.clock import Clock


class Counter:
    """A function that counts its runs; sync or async."""

    def __init__(self, is_async: bool, result: Callable[..., Any] | None = None) -> None:
        self.calls = 0
        self.is_async = is_async
        self.result = result or (lambda user_id, scope="full": f"{user_id}:{scope}")

    def build(self, **options: Any) -> CachedWrapper:
        counter = self

        if self.is_async:

            async def fetch(user_id: Any, scope: str = "full") -> Any:
                counter.calls += 1
                return counter.result(user_id, scope)

            return cache_result(**options)(fetch)

        def fetch_sync(user_id: Any, scope: str = "full") -> Any:
            counter.calls += 1
            return counter.result(user_id, scope)

        return cache_result(**options)(fetch_sync)


class Paths:
    """Run a wrapper method on the sync or the async path, from a sync test."""

    def __init__(self, is_async: bool) -> None:
        self.is_async = is_async

    def __call__(self, wrapper: CachedWrapper, name: str, *args: Any, **kwargs: Any) -> Any:
        if self.is_async:
            method = getattr(wrapper, "a" + name) if name != "call" else wrapper
            return call(method, *args, **kwargs)
        method = getattr(wrapper, name) if name != "call" else wrapper
        return method(*args, **kwargs)


@pytest.fixture(params=["sync", "async"])
def path(request: pytest.FixtureRequest) -> Paths:
    return Paths(request.param == "async")


def status(path: Paths, wrapper: CachedWrapper, *args: Any, **kwargs: Any) -> tuple[Any, str]:
    value, meta = path(wrapper, "get_with_metadata", *args, **kwargs)
    return value, meta["cache_status"]


class TestStatuses:
    def test_miss_then_hit(self, alias: str, path: Paths) -> None:
        fn = Counter(path.is_async)
        wrapper = fn.build(cache_alias=alias, ttl=60)
        assert status(path, wrapper, 1) == ("1:full", "MISS")
        assert status(path, wrapper, 1) == ("1:full", "HIT")
        assert path(wrapper, "call", 1) == "1:full"
        assert fn.calls == 1

    def test_refresh_reruns_and_replaces(self, alias: str, path: Paths) -> None:
        fn = Counter(path.is_async, lambda u, s: time.monotonic())
        wrapper = fn.build(cache_alias=alias, ttl=60)
        first = path(wrapper, "call", 1)
        value, meta = path(wrapper, "refresh_with_metadata", 1)
        assert meta["cache_status"] == "REFRESH" and value != first
        assert path(wrapper, "refresh", 1) != value
        assert path(wrapper, "call", 1) == path(wrapper, "get_cache_only", 1)
        assert fn.calls == 3

    def test_bypass_neither_reads_nor_writes(self, alias: str, path: Paths) -> None:
        fn = Counter(path.is_async)
        wrapper = fn.build(cache_alias=alias, ttl=60)
        assert path(wrapper, "bypass_cache", 1) == "1:full"
        assert path(wrapper, "get_cache_only", 1) is CACHE_MISSING
        path(wrapper, "call", 1)
        path(wrapper, "bypass_cache", 1)
        assert fn.calls == 3

    def test_disabled_caching_reports_bypass(self, alias: str, path: Paths) -> None:
        fn = Counter(path.is_async)
        wrapper = fn.build(cache_alias=alias, ttl=60)
        with override_settings(RESTFLOW_SETTINGS={"CACHE": {"ENABLED": False}}):
            assert status(path, wrapper, 1) == ("1:full", "BYPASS")
            assert status(path, wrapper, 1) == ("1:full", "BYPASS")
        assert fn.calls == 2

    def test_stale_is_served_while_one_refresh_runs(
        self, alias: str, path: Paths, clock: Clock
    ) -> None:
        gate = threading.Event()
        agate = asyncio.Event()
        runs: list[int] = []

        if path.is_async:

            async def fetch(user_id: int) -> int:
                runs.append(user_id)
                if len(runs) > 1:
                    await agate.wait()
                return len(runs)

            wrapper = cache_result(cache_alias=alias, ttl=0.2, stale_ttl=30)(fetch)
        else:

            def fetch_sync(user_id: int) -> int:
                runs.append(user_id)
                if len(runs) > 1:
                    gate.wait(5)
                return len(runs)

            wrapper = cache_result(cache_alias=alias, ttl=0.2, stale_ttl=30)(fetch_sync)
        assert status(path, wrapper, 1) == (1, "MISS")
        clock.advance(0.25)  # past ttl, within stale_ttl

        async def twice() -> list[tuple[Any, str]]:
            got = [status_async(await wrapper.aget_with_metadata(1)) for _ in range(2)]
            agate.set()
            await asyncio.gather(*wrapper._tasks)
            return got

        if path.is_async:
            results = asyncio.run(twice())
        else:
            results = [status(path, wrapper, 1) for _ in range(2)]
            gate.set()
            wrapper.wait_for_refreshes()
        assert results == [(1, "STALE"), (1, "STALE")]
        assert len(runs) == 2  # one background refresh, not two
        assert status(path, wrapper, 1) == (2, "HIT")

    def test_a_stale_refresh_that_finds_another_context_value_does_not_write(
        self, alias: str, path: Paths, clock: Clock
    ) -> None:
        # sync refreshes run on a pool thread, which has no tenant of its own; async ones
        # run as a task, and the tenant is switched before the task starts
        local, shared = threading.local(), {"tenant": "acme"}
        local.tenant = "acme"

        def tenant() -> Any:
            return shared["tenant"] if path.is_async else getattr(local, "tenant", None)

        class TenantKey(KeyConstructor):
            tenant_name = ContextKeyField("tenant", tenant)  # no restore=
            user = ArgsKeyField("user_id")

        runs: list[Any] = []
        refreshed: list[Any] = []  # the runs up to the refresh under test

        def report(user_id: int) -> str:
            runs.append(tenant())
            return f"{user_id}@{tenant()}"

        async def areport(user_id: int) -> str:
            return report(user_id)

        options: dict[str, Any] = {"key_constructor": TenantKey, "ttl": 0.2, "stale_ttl": 30}
        wrapper = cache_result(**options)(areport if path.is_async else report)
        wrapper.cache_alias = alias

        async def visits() -> list[tuple[Any, str]]:
            first = status_async(await wrapper.aget_with_metadata(1))
            clock.advance(0.25)
            stale = status_async(await wrapper.aget_with_metadata(1))
            shared["tenant"] = "globex"
            await asyncio.gather(*wrapper._tasks)
            shared["tenant"] = "acme"
            refreshed.extend(runs)
            return [first, stale, status_async(await wrapper.aget_with_metadata(1))]

        if path.is_async:
            results = asyncio.run(visits())
        else:
            results = [status(path, wrapper, 1)]
            clock.advance(0.25)
            results.append(status(path, wrapper, 1))
            wrapper.wait_for_refreshes()
            refreshed.extend(runs)
            results.append(status(path, wrapper, 1))
        assert results == [("1@acme", "MISS"), ("1@acme", "STALE"), ("1@acme", "STALE")]
        assert refreshed == ["acme"]  # the refresh saw another tenant: no run, no write

    def test_without_stale_ttl_the_store_keeps_an_entry_its_ttl(
        self, alias: str, path: Paths, clock: Clock, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        fn = Counter(path.is_async)
        wrapper = fn.build(cache_alias=alias, ttl=1)
        store = wrapper.runtime().store
        real_set, real_aset = store.set, store.aset
        written: list[tuple[str, Any, float | None]] = []

        def record(key: str, entry: Any, expiry: float | None) -> None:
            written.append((key, entry, expiry))
            real_set(key, entry, expiry)

        async def arecord(key: str, entry: Any, expiry: float | None) -> None:
            written.append((key, entry, expiry))
            await real_aset(key, entry, expiry)

        monkeypatch.setattr(store, "set", record)
        monkeypatch.setattr(store, "aset", arecord)
        path(wrapper, "call", 1)
        [(key, entry, expiry)] = written
        assert expiry == 1  # the store drops the entry after ttl: then a MISS
        assert entry[1] is None  # no stale_at: restflow's own clock never ends it
        clock.advance(3600)
        assert status(path, wrapper, 1)[1] == "HIT"
        if alias == "redis":  # and Redis was told so
            assert caches[alias].ttl(key) == 1  # type: ignore[attr-defined]


def status_async(pair: tuple[Any, dict[str, Any]]) -> tuple[Any, str]:
    return pair[0], pair[1]["cache_status"]


class TestValues:
    def test_a_cached_none_is_a_hit(self, alias: str, path: Paths) -> None:
        fn = Counter(path.is_async, lambda u, s: None)
        wrapper = fn.build(cache_alias=alias, ttl=60)
        assert status(path, wrapper, 1) == (None, "MISS")
        assert status(path, wrapper, 1) == (None, "HIT")
        assert fn.calls == 1

    def test_exceptions_are_never_cached(self, alias: str, path: Paths) -> None:
        def boom(u: Any, s: Any) -> Any:
            raise ValueError("no")

        fn = Counter(path.is_async, boom)
        wrapper = fn.build(cache_alias=alias, ttl=60)
        for _ in range(2):
            with pytest.raises(ValueError, match="no"):
                path(wrapper, "call", 1)
        assert fn.calls == 2 and path(wrapper, "get_cache_only", 1) is CACHE_MISSING

    def test_cache_if_and_cache_unless_get_result_and_arguments(
        self, alias: str, path: Paths
    ) -> None:
        seen: list[tuple[Any, ...]] = []

        def only_even(result: Any, user_id: int, *rest: Any, **kw: Any) -> bool:
            seen.append((result, user_id))
            return user_id % 2 == 0

        fn = Counter(path.is_async)
        wrapper = fn.build(
            cache_alias=alias,
            ttl=60,
            cache_if=only_even,
            cache_unless=lambda r, *a, **k: r == "4:full",
        )
        for user in (1, 1, 2, 2, 4, 4):
            path(wrapper, "call", user)
        assert fn.calls == 5  # 1 twice, 2 once, 4 twice
        assert seen[0] == ("1:full", 1)

    def test_ttl_callable_gets_the_result(self, alias: str, path: Paths) -> None:
        fn = Counter(path.is_async)
        wrapper = fn.build(
            cache_alias=alias, ttl=lambda result: 0 if result.startswith("1") else 60
        )
        path(wrapper, "call", 1)
        path(wrapper, "call", 2)
        assert path(wrapper, "get_cache_only", 1) is CACHE_MISSING
        assert path(wrapper, "get_cache_only", 2) == "2:full"

    def test_ttl_none_never_expires(self, alias: str, path: Paths) -> None:
        fn = Counter(path.is_async)
        wrapper = fn.build(cache_alias=alias, ttl=None)
        _, meta = path(wrapper, "get_with_metadata", 1)
        assert meta["stale_at"] is None and meta["cached_at"] is not None

    def test_bad_ttl_is_a_type_error(self) -> None:
        with pytest.raises(TypeError, match="ttl="):
            cache_result(ttl="soon")(lambda: None)  # type: ignore[arg-type]

    def test_get_cached_metadata_without_running(self, alias: str, path: Paths) -> None:
        fn = Counter(path.is_async)
        wrapper = fn.build(cache_alias=alias, ttl=60)
        assert path(wrapper, "get_cached_metadata", 1) is None
        path(wrapper, "call", 1)
        meta = path(wrapper, "get_cached_metadata", 1)
        assert meta["cache_status"] == "HIT" and meta["cache_key"] == wrapper.get_cache_key(1)
        assert fn.calls == 1


class TestDeletion:
    def test_delete_cache_drops_one_entry(self, alias: str, path: Paths) -> None:
        fn = Counter(path.is_async)
        wrapper = fn.build(cache_alias=alias, ttl=60)
        path(wrapper, "call", 1)
        path(wrapper, "call", 2)
        path(wrapper, "delete_cache", 1)
        assert path(wrapper, "get_cache_only", 1) is CACHE_MISSING
        assert path(wrapper, "get_cache_only", 2) == "2:full"

    def test_delete_by_prefix_drops_the_partition_only(self, alias: str, path: Paths) -> None:
        fn = Counter(path.is_async)
        wrapper = fn.build(cache_alias=alias, ttl=60, key_constructor=UserKey)
        for user, scope in ((1, "a"), (1, "b"), (2, "a")):
            path(wrapper, "call", user, scope)
        count = path(wrapper, "delete_by_prefix", user_id=1)
        assert count == (-1 if alias == "files" else 2)
        assert path(wrapper, "get_cache_only", 1, "a") is CACHE_MISSING
        assert path(wrapper, "get_cache_only", 1, "b") is CACHE_MISSING
        assert path(wrapper, "get_cache_only", 2, "a") == "2:a"
        assert status(path, wrapper, 1, "a")[1] == "MISS"
        assert status(path, wrapper, 1, "a")[1] == "HIT"

    def test_invalidate_all_drops_every_entry_of_the_function_only(
        self, alias: str, path: Paths
    ) -> None:
        one, other = Counter(path.is_async), Counter(path.is_async)
        wrapper = one.build(cache_alias=alias, ttl=60, key_constructor=UserKey)
        neighbour = other.build(cache_alias=alias, ttl=60)
        path(wrapper, "call", 1, "a")
        path(wrapper, "call", 2, "a")
        path(neighbour, "call", 1)
        path(wrapper, "invalidate_all")
        assert path(wrapper, "get_cache_only", 1, "a") is CACHE_MISSING
        assert path(wrapper, "get_cache_only", 2, "a") is CACHE_MISSING
        assert path(neighbour, "get_cache_only", 1) == "1:full"

    def test_key_constructor_wipe_covers_every_function_using_it(self, alias: str) -> None:
        class Shared(KeyConstructor):
            user = ArgsKeyField("user_id")

        first = Counter(False).build(cache_alias=alias, key_constructor=Shared, ttl=60)
        second = Counter(True).build(cache_alias=alias, key_constructor=Shared, ttl=60)
        first(1)
        call(second, 1)
        Shared.wipe()
        assert first.get_cache_only(1) is CACHE_MISSING
        assert second.get_cache_only(1) is CACHE_MISSING


class TestShape:
    def test_calling_an_async_wrapper_returns_a_coroutine(self) -> None:
        wrapper = Counter(True).build()
        result = wrapper(1)
        assert asyncio.iscoroutine(result)
        assert asyncio.run(result) == "1:full"

    def test_methods_are_cached_per_arguments_not_per_instance(self, alias: str) -> None:
        runs: list[int] = []

        class Service:
            @cache_result(cache_alias=alias, ttl=60)
            def total(self, x: int) -> int:
                runs.append(x)
                return x * 2

        assert Service().total(2) == 4 and Service().total(2) == 4
        assert Service().total.get_with_metadata(2)[1]["cache_status"] == "HIT"
        Service().total.delete_cache(2)
        assert Service().total(2) == 4 and runs == [2, 2]

    def test_bare_decorator_and_wrapped_metadata(self) -> None:
        @cache_result
        def named(a: int) -> int:
            """Doc."""
            return a

        assert isinstance(named, CachedWrapper) and named.__doc__ == "Doc." and named(3) == 3

    @pytest.mark.parametrize("store", ["default", "redis"])
    def test_async_hit_makes_no_thread_hop(
        self, store: str, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
    ) -> None:
        if store == "redis":
            request.getfixturevalue("redis_alias")
        from asgiref.sync import SyncToAsync

        fn = Counter(True)
        wrapper = fn.build(cache_alias=store, ttl=60)
        hops: list[object] = []
        original = SyncToAsync.__call__

        async def counting(self: Any, *args: Any, **kwargs: Any) -> Any:
            hops.append(self.func)
            return await original(self, *args, **kwargs)

        async def go() -> tuple[Any, dict[str, Any]]:
            await wrapper(1)
            monkeypatch.setattr(SyncToAsync, "__call__", counting)
            value = await wrapper(1)
            _, meta = await wrapper.aget_with_metadata(1)
            return value, meta

        value, meta = asyncio.run(go())
        assert value == "1:full" and meta["cache_status"] == "HIT"
        assert hops == [] and fn.calls == 1


class TestStampede:
    def test_concurrent_sync_misses_compute_once(self, alias: str) -> None:
        started = threading.Event()

        def slow(u: Any, s: Any) -> str:
            started.set()
            time.sleep(0.2)
            return "v"

        fn = Counter(False, slow)
        wrapper = fn.build(cache_alias=alias, ttl=60)
        results: list[tuple[Any, str]] = []
        threads = [
            threading.Thread(target=lambda: results.append(status(Paths(False), wrapper, 1)))
            for _ in range(5)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert fn.calls == 1
        assert sorted(s for _, s in results) == ["HIT"] * 4 + ["MISS"]

    def test_concurrent_async_misses_compute_once(self, alias: str) -> None:
        fn = Counter(True)

        async def slow_body() -> list[Any]:
            async def fetch(user_id: int) -> int:
                fn.calls += 1
                await asyncio.sleep(0.1)
                return user_id

            wrapper = cache_result(cache_alias=alias, ttl=60)(fetch)
            return await asyncio.gather(*(wrapper(7) for _ in range(5)))

        assert asyncio.run(slow_body()) == [7] * 5 and fn.calls == 1

    def test_without_protection_each_concurrent_miss_computes(self) -> None:
        together = threading.Barrier(3)  # each run waits for the other two: all three compute
        fn = Counter(False, lambda u, s: together.wait(10))
        wrapper = fn.build(ttl=60, stampede_protection=False)
        threads = [threading.Thread(target=wrapper, args=(1,)) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert fn.calls == 3


class TestBackendFailure:
    def test_a_failing_backend_runs_the_function_and_logs(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        fn = Counter(False)
        wrapper = fn.build(ttl=60)
        rt = wrapper.runtime()

        class Broken:
            def __getattr__(self, name: str) -> Any:
                raise ConnectionError("down")

        real, rt.store = rt.store, Broken()  # type: ignore[assignment]
        try:
            assert wrapper.get_with_metadata(1) == ("1:full", wrapper.get_with_metadata(1)[1])
            assert wrapper.get_with_metadata(1)[1]["cache_status"] == "BYPASS"
        finally:
            rt.store = real
        assert "read failed" in caplog.text
