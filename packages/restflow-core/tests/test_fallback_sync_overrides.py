"""``restflow.core.async_twin``: a base class's ``aX`` answers a subclass's sync-only ``X``."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from restflow.core import async_twin, mark_loop_safe
from restflow.core.testing import count_hops


class Base:
    def fetch(self, key: str) -> str:
        return f"base:{key}"

    @async_twin
    async def afetch(self, key: str) -> str:
        return f"native:{key}"


class SyncOnly(Base):
    def fetch(self, key: str) -> str:
        return f"sync-override:{key}:{threading.current_thread() is threading.main_thread()}"


class AsyncOnly(Base):
    async def afetch(self, key: str) -> str:
        return f"async-override:{key}"


class LoopSafe(Base):
    @mark_loop_safe
    def fetch(self, key: str) -> str:
        return f"loop:{key}"


class Deeper(SyncOnly):
    """Inherits the sync override: still answered through it."""


async def test_the_native_twin_runs_when_nothing_is_overridden() -> None:
    with count_hops() as hops:
        assert await Base().afetch("k") == "native:k"
    assert hops == []


async def test_a_sync_only_override_answers_the_async_method_in_one_hop() -> None:
    for obj in (SyncOnly(), Deeper()):
        with count_hops() as hops:
            assert await obj.afetch("k") == "sync-override:k:False"  # not on the loop's thread
        assert len(hops) == 1


async def test_a_loop_safe_sync_override_runs_on_the_loop() -> None:
    with count_hops() as hops:
        assert await LoopSafe().afetch("k") == "loop:k"
    assert hops == []


async def test_an_async_override_is_used_as_is() -> None:
    assert await AsyncOnly().afetch("k") == "async-override:k"


def test_it_refuses_what_is_not_an_async_a_method() -> None:
    def aplain(self: Any) -> None: ...

    async def nope(self: Any) -> None: ...

    with pytest.raises(TypeError, match="aplain"):
        async_twin(aplain)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="nope"):
        async_twin(nope)
