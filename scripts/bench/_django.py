"""Django set-up, thread-hop counting and interleaved timing shared by the in-process benches."""

from __future__ import annotations

import asyncio
import gc
import os
import sys
import time
from collections.abc import Callable
from typing import Any, TypeVar

_T = TypeVar("_T")


def configure(
    name: str, *, redis_backend: str, apps: tuple[str, ...] = (), **rest_framework: Any
) -> None:
    """A DB-less project: LocMem ``default``, ``redis`` (``redis_backend``) when ``REDIS_URL``."""
    import django
    from django.conf import settings

    caches: dict[str, Any] = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    if os.environ.get("REDIS_URL"):
        caches["redis"] = {
            "BACKEND": redis_backend,
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": f"rf-{name}-bench-{os.getpid()}",
        }
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench",
        ALLOWED_HOSTS=["*"],
        CACHES=caches,
        INSTALLED_APPS=[
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "rest_framework",
            "restflow.core",
            *apps,
        ],
        DATABASES={},
        REST_FRAMEWORK={
            "DEFAULT_AUTHENTICATION_CLASSES": [],
            "DEFAULT_PERMISSION_CLASSES": [],
            "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
            "UNAUTHENTICATED_USER": None,
            **rest_framework,
        },
    )
    django.setup()


def count_hops(run: Callable[[], Any]) -> int:
    """How many thread hops ``run()`` makes (never used while timing)."""
    from restflow.core.testing import count_hops as counting

    with counting() as hops:
        run()
    return len(hops)


Timer = Callable[[int], float]
"""Runs ``n`` calls of one implementation; returns µs per call."""


def interleave(
    timers: dict[str, Callable[[int], _T]], rounds: int, n: int, *, progress: bool = False
) -> dict[str, list[_T]]:
    """Run every timer once per round, round-robin, starting one further each round (GC off
    while one runs); ``progress`` reports each round on stderr."""
    results: dict[str, list[_T]] = {name: [] for name in timers}
    names = list(timers)
    for index in range(rounds):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            gc.collect()
            gc.disable()
            try:
                results[name].append(timers[name](n))
            finally:
                gc.enable()
        if progress:
            print(f"  round {index + 1}/{rounds} done", file=sys.stderr)
    return results


def _rendered(response: Any) -> Any:
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    return response


def time_view(view: Callable[[Any], Any], batch: list[Any]) -> tuple[float, Any]:
    """Call ``view`` on every request of ``batch``, rendering: µs per request, last response."""
    start = time.perf_counter_ns()
    for request in batch:
        response = _rendered(view(request))
    return (time.perf_counter_ns() - start) / len(batch) / 1000, response


async def atime_view(view: Callable[[Any], Any], batch: list[Any]) -> tuple[float, Any]:
    """Async twin of :func:`time_view` for an async view."""
    start = time.perf_counter_ns()
    for request in batch:
        response = _rendered(await view(request))
    return (time.perf_counter_ns() - start) / len(batch) / 1000, response


EMPTY_BODY: dict[str, Any] = {"type": "http.request", "body": b"", "more_body": False}


class Receive:
    """An ASGI ``receive``: ``message`` (the request body) once, then waits as a live
    connection does, until ``done`` is set (Django cancels it once the response is sent)."""

    __slots__ = ("done", "message", "sent")

    def __init__(self, done: asyncio.Event, message: dict[str, Any] = EMPTY_BODY) -> None:
        self.done = done
        self.message = message
        self.sent = False

    async def __call__(self) -> dict[str, Any]:
        if not self.sent:
            self.sent = True
            return self.message
        await self.done.wait()
        return {"type": "http.disconnect"}
