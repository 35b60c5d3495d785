"""Module-level task functions the dispatcher tests run.

Two kinds: in-process ones record into :data:`RECORDS` (for ``inline``,
``threadpool`` and ``asyncio``); the ``redis_*`` ones have an effect in Redis
(``REDIS_URL``) that a test can observe after a worker process ran them.
"""

from __future__ import annotations

import asyncio
import os
import threading
from dataclasses import dataclass
from typing import Any

import redis
import redis.asyncio

from testsupport.loops import on_loop


@dataclass(frozen=True)
class Record:
    """One run of an in-process task: what it was given and where it ran."""

    key: str
    value: Any
    thread: str
    on_loop: bool


RECORDS: list[Record] = []
ATTEMPTS: dict[str, int] = {}
_LOCK = threading.Lock()
RAN = threading.Event()
GATES: dict[str, asyncio.Event] = {}


def record(key: str, value: Any = None) -> None:
    """Record a run (sync)."""
    with _LOCK:
        RECORDS.append(Record(key, value, threading.current_thread().name, on_loop()))
    RAN.set()


async def arecord(key: str, value: Any = None) -> None:
    """Record a run (async): ``on_loop`` is true when it ran on an event loop."""
    await asyncio.sleep(0)
    with _LOCK:
        RECORDS.append(Record(key, value, threading.current_thread().name, on_loop()))
    RAN.set()


def gate(key: str) -> asyncio.Event:
    """What :func:`arecord_when_opened` for ``key`` waits for (:func:`reset` forgets it)."""
    return GATES.setdefault(key, asyncio.Event())


async def arecord_when_opened(key: str) -> None:
    """Record (async) once the test has opened ``gate(key)``."""
    await gate(key).wait()
    await arecord(key)


def fail_until(key: str, failures: int) -> None:
    """Raise on the first ``failures`` attempts for ``key``, then record."""
    with _LOCK:
        ATTEMPTS[key] = ATTEMPTS.get(key, 0) + 1
        attempt = ATTEMPTS[key]
    if attempt <= failures:
        raise RuntimeError(f"{key}: attempt {attempt} fails on purpose")
    record(key, attempt)


def reset() -> None:
    """Forget every record and attempt."""
    with _LOCK:
        RECORDS.clear()
        ATTEMPTS.clear()
        GATES.clear()
    RAN.clear()


def records(key: str) -> list[Record]:
    """The records of ``key``, in order."""
    with _LOCK:
        return [item for item in RECORDS if item.key == key]


NOT_A_FUNCTION = 42


# --- effects in Redis, for worker processes -------------------------------------------------


def _redis() -> redis.Redis:
    return redis.Redis.from_url(os.environ["REDIS_URL"])


def redis_set(key: str, value: str) -> None:
    """SET ``key`` to ``value``."""
    _redis().set(key, value, ex=600)


async def aredis_set(key: str, value: str) -> None:
    """SET ``key`` through redis-py's asyncio client (an async task function)."""
    client = redis.asyncio.Redis.from_url(os.environ["REDIS_URL"])
    try:
        await client.set(key, value, ex=600)
    finally:
        await client.aclose()


def redis_delete(key: str) -> None:
    """DELETE ``key``."""
    _redis().delete(key)


def redis_fail_until(key: str, failures: int) -> None:
    """Count attempts in ``key:attempts``; raise on the first ``failures``, then SET ``key``."""
    client = _redis()
    attempt = int(client.incr(f"{key}:attempts"))
    client.expire(f"{key}:attempts", 600)
    if attempt <= failures:
        raise RuntimeError(f"{key}: attempt {attempt} fails on purpose")
    client.set(key, str(attempt), ex=600)


def redis_set_app_label(key: str) -> None:
    """SET ``key`` to this test app's label: works only where Django is set up."""
    from django.apps import apps

    _redis().set(key, apps.get_app_config("dispatchtests").label, ex=600)
