"""Django set-up, thread-hop counting and interleaved timing shared by the in-process benches."""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable
from typing import Any


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


def interleave(timers: dict[str, Timer], rounds: int, n: int) -> dict[str, list[float]]:
    """Run every timer once per round, round-robin, starting one further each round."""
    results: dict[str, list[float]] = {name: [] for name in timers}
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
