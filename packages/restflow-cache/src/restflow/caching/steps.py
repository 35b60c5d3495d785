"""Steps: the I/O an I/O-free generator asks for, and the two drivers that perform it.

The core of a cached function (:mod:`restflow.caching.core`) is written as generators that
yield a :class:`Step` whenever they need I/O and receive its result (or its exception, thrown
back in at the ``yield``). :func:`drive` performs each step with blocking calls, :func:`adrive`
awaits it; a step knows both ways (:meth:`Step.run` and :meth:`Step.arun`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from django.db import close_old_connections

from restflow.caching.stampede import Flights
from restflow.caching.stores import Store
from restflow.core import acall, call

__all__ = [
    "Background",
    "Call",
    "Pause",
    "Read",
    "Shared",
    "Step",
    "Steps",
    "StoreCall",
    "adrive",
    "drive",
]

T = TypeVar("T")
Steps = Generator["Step", Any, T]
"""A generator of steps whose return value is the outcome."""

_POOL: list[ThreadPoolExecutor] = []


class Step:
    """One piece of I/O: :meth:`run` performs it blocking, :meth:`arun` awaiting."""

    __slots__ = ()

    def run(self) -> Any:
        raise NotImplementedError

    async def arun(self) -> Any:
        raise NotImplementedError


class StoreCall(Step):
    """``store.<name>(*args)``, or its ``a``-prefixed twin (in-process stores: the sync one)."""

    __slots__ = ("args", "name", "store")

    def __init__(self, store: Store, name: str, *args: Any) -> None:
        self.store = store
        self.name = name
        self.args = args

    def run(self) -> Any:
        return getattr(self.store, self.name)(*self.args)

    async def arun(self) -> Any:
        if self.store.inproc:
            return self.run()
        return await getattr(self.store, "a" + self.name)(*self.args)


class Read(Step):
    """``store.get(key, levels)`` (the most frequent step: a dedicated one, without ``getattr``)."""

    __slots__ = ("key", "levels", "store")

    def __init__(self, store: Store, key: str, levels: Sequence[str]) -> None:
        self.store = store
        self.key = key
        self.levels = levels

    def run(self) -> Any:
        return self.store.get(self.key, self.levels)

    async def arun(self) -> Any:
        if self.store.inproc:
            return self.store.get(self.key, self.levels)
        return await self.store.aget(self.key, self.levels)


class Call(Step):
    """The cached function itself (a sync one runs in a thread on the async path)."""

    __slots__ = ("args", "func", "kwargs")

    def __init__(self, func: Callable[..., Any], args: tuple[Any, ...], kwargs: Any) -> None:
        self.func = func
        self.args = args
        self.kwargs = kwargs

    def run(self) -> Any:
        return call(self.func, *self.args, **self.kwargs)

    async def arun(self) -> Any:
        return await acall(self.func, *self.args, **self.kwargs)


class Pause(Step):
    """Wait ``seconds`` (a blocking sleep, or ``asyncio.sleep``)."""

    __slots__ = ("seconds",)

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def run(self) -> None:
        time.sleep(self.seconds)

    async def arun(self) -> None:
        await asyncio.sleep(self.seconds)


class Shared(Step):
    """The steps ``make()`` builds, run once for concurrent callers of ``key``.

    The result is ``(outcome, leader)``: ``leader`` is ``True`` for the caller that ran them.
    """

    __slots__ = ("flights", "key", "make")

    def __init__(self, flights: Flights, key: str, make: Callable[[], Steps[Any]]) -> None:
        self.flights = flights
        self.key = key
        self.make = make

    def run(self) -> tuple[Any, bool]:
        return self.flights.run(self.key, lambda: drive(self.make()))

    async def arun(self) -> tuple[Any, bool]:
        return await self.flights.arun(self.key, lambda: adrive(self.make()))


class Background(Step):
    """Start ``steps`` and go on at once: in a worker thread (sync), as a task (async).

    ``tasks`` holds the tasks until they are done (the loop keeps only weak references).
    """

    __slots__ = ("steps", "tasks")

    def __init__(self, steps: Steps[None], tasks: set[asyncio.Task[Any]]) -> None:
        self.steps = steps
        self.tasks = tasks

    def run(self) -> None:
        if not _POOL:
            _POOL.append(ThreadPoolExecutor(max_workers=2, thread_name_prefix="restflow-cache"))
        _POOL[0].submit(self._in_thread)

    def _in_thread(self) -> None:
        try:
            drive(self.steps)
        finally:
            close_old_connections()  # the thread's own database connection

    async def arun(self) -> None:
        task = asyncio.get_running_loop().create_task(adrive(self.steps))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)


def _advance(steps: Steps[Any], result: Any, error: BaseException | None) -> tuple[bool, Any]:
    """Give ``steps`` a step's result, or throw its exception in at the ``yield``.

    ``(False, next step)``, or ``(True, outcome)`` once the generator returned.
    """
    try:
        return False, (steps.send(result) if error is None else steps.throw(error))
    except StopIteration as stop:
        return True, stop.value


def drive(steps: Steps[T]) -> T:
    """Run ``steps`` with blocking I/O; its outcome (or the exception it lets through)."""
    done, step = _advance(steps, None, None)
    while not done:
        try:
            result, error = step.run(), None
        except BaseException as exc:  # thrown back in, e.g. to release a lock in ``finally``
            result, error = None, exc
        done, step = _advance(steps, result, error)
    outcome: T = step
    return outcome


async def adrive(steps: Steps[T]) -> T:
    """Run ``steps`` awaiting each I/O step (no thread hop but for sync functions)."""
    done, step = _advance(steps, None, None)
    while not done:
        try:
            result, error = await step.arun(), None
        except BaseException as exc:  # thrown back in, e.g. to release a lock in ``finally``
            result, error = None, exc
        done, step = _advance(steps, result, error)
    outcome: T = step
    return outcome
