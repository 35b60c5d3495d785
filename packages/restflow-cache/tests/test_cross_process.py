"""Two processes sharing Redis see each other's entries and invalidations."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from restflow.caching import CACHE_MISSING


def _peer_env() -> dict[str, str]:
    return {
        **os.environ,
        "RF_CACHE_PREFIX": settings.CACHES["redis"]["KEY_PREFIX"],
        "PYTHONPATH": str(Path(__file__).parent),
    }


def peer(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "cachetests.peer", *args],
        capture_output=True,
        text=True,
        env=_peer_env(),
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture
def report(redis_alias: str) -> object:
    from cachetests.shared_cached import report

    return report


def test_an_entry_written_here_is_a_hit_in_the_peer(report: object) -> None:
    value = report(1, 5)  # type: ignore[operator]
    assert peer("call", "1", "5") == f"HIT {value}"


def test_an_entry_written_by_the_peer_is_a_hit_here(report: object) -> None:
    written = peer("call", "2", "5")
    assert written.startswith("MISS ")
    value, meta = report.get_with_metadata(2, 5)  # type: ignore[attr-defined]
    assert meta["cache_status"] == "HIT" and written == f"MISS {value}"


def test_a_partition_wipe_in_the_peer_is_seen_here(report: object) -> None:
    report(3, 1), report(3, 2), report(4, 1)  # type: ignore[operator]
    assert peer("delete_by_prefix", "3") == "2"
    assert report.get_cache_only(3, 1) is CACHE_MISSING  # type: ignore[attr-defined]
    assert report.get_cache_only(3, 2) is CACHE_MISSING  # type: ignore[attr-defined]
    assert report.get_cache_only(4, 1) is not CACHE_MISSING  # type: ignore[attr-defined]


def test_invalidate_all_in_the_peer_is_seen_here(report: object) -> None:
    report(5, 1)  # type: ignore[operator]
    peer("invalidate_all")
    assert report.get_cache_only(5, 1) is CACHE_MISSING  # type: ignore[attr-defined]


def test_concurrent_misses_in_two_processes_compute_once(report: object) -> None:
    from cachetests.shared_cached import slow_report

    started = subprocess.Popen(
        [sys.executable, "-m", "cachetests.peer", "slow_call", "9"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_peer_env(),
    )
    try:
        lock = f"{slow_report.get_cache_key(9)}::!lock"
        deadline = time.monotonic() + 30
        from django.core.cache import caches

        client = caches["redis"].client.get_client()  # type: ignore[attr-defined]
        made = caches["redis"].make_key(lock)
        while not client.exists(made):  # wait until the peer holds the lock
            assert time.monotonic() < deadline and started.poll() is None, started.stderr
            time.sleep(0.01)
        value, meta = slow_report.get_with_metadata(9)
        out, err = started.communicate(timeout=30)
    finally:
        if started.poll() is None:
            started.kill()
    assert out.strip() == f"MISS {value}", err
    assert meta["cache_status"] == "HIT" and str(os.getpid()) not in value
