"""Django set-up, thread-hop counting, view timing, ASGI scopes and the results file shared
by the in-process benches (the timing rounds themselves: ``_perf``)."""

from __future__ import annotations

import asyncio
import inspect
import json
import os
import platform
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

_T = TypeVar("_T")


APPS = ["django.contrib.contenttypes", "django.contrib.auth", "rest_framework", "restflow.core"]
"""What every bench project installs (``contrib.auth``: DRF builds ``AnonymousUser``)."""

_LEAN_DRF = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "UNAUTHENTICATED_USER": None,
}


def configure(
    name: str, *, redis_backend: str, apps: tuple[str, ...] = (), **rest_framework: Any
) -> None:
    """A DB-less project: LocMem ``default``, ``redis`` (``redis_backend``) when ``REDIS_URL``."""
    caches: dict[str, Any] = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    if os.environ.get("REDIS_URL"):
        caches["redis"] = {
            "BACKEND": redis_backend,
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": f"rf-{name}-bench-{os.getpid()}",
        }
    _setup(CACHES=caches, INSTALLED_APPS=[*APPS, *apps], DATABASES={},
           REST_FRAMEWORK={**_LEAN_DRF, "DEFAULT_PERMISSION_CLASSES": [], **rest_framework})  # fmt: skip


def configure_database(databases: dict[str, Any], urlconf: str, apps: tuple[str, ...] = ()) -> None:
    """A project on ``databases`` whose ``ROOT_URLCONF`` is ``urlconf``: no middleware, DRF
    with no authentication, ``AllowAny`` and JSON only."""
    _setup(USE_TZ=True, DATABASES=databases, INSTALLED_APPS=[*APPS, *apps], MIDDLEWARE=[],
           ROOT_URLCONF=urlconf, DEFAULT_AUTO_FIELD="django.db.models.AutoField",
           REST_FRAMEWORK={**_LEAN_DRF, "DEFAULT_PERMISSION_CLASSES": [
               "rest_framework.permissions.AllowAny"]})  # fmt: skip


def _setup(**options: Any) -> None:
    import django
    from django.conf import settings

    settings.configure(DEBUG=False, SECRET_KEY="bench-not-a-secret", ALLOWED_HOSTS=["*"], **options)
    django.setup()


def module_getattr(
    namespace: dict[str, Any], app: Callable[[], dict[str, Any]], setup: Callable[[], None]
) -> Callable[[str], Any]:
    """The ``__getattr__`` of a bench module that is its own ``ROOT_URLCONF`` and ASGI app:
    ``urlpatterns`` from ``app()``; ``application`` (what uvicorn serves), after ``setup()``
    when Django is not configured yet, kept in ``namespace``."""

    def module_attribute(name: str) -> Any:
        if name == "urlpatterns":
            return app()["urlpatterns"]
        if name != "application":
            raise AttributeError(name)
        from django.conf import settings

        if not settings.configured:
            setup()
        from django.core.asgi import get_asgi_application

        namespace["application"] = application = get_asgi_application()
        app()
        return application

    return module_attribute


def print_header(versions: dict[str, Any]) -> None:
    """The interpreter, machine and the versions measured, before a bench's tables."""
    print(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs")
    print("versions: " + ", ".join(f"{k} {v}" for k, v in versions.items()) + "\n")


def cache_aliases() -> list[str]:
    """``default`` (LocMem), and ``redis`` when ``REDIS_URL`` is set (else say how to add it)."""
    if os.environ.get("REDIS_URL"):
        return ["default", "redis"]
    print("(REDIS_URL unset: the Redis part is skipped; source .services.env to add it)\n")
    return ["default"]


def count_hops(run: Callable[[], Any]) -> int:
    """How many thread hops ``run()`` makes (never used while timing)."""
    from restflow.core.testing import count_hops as counting

    with counting() as hops:
        run()
    return len(hops)


def on_loop(
    loop: asyncio.AbstractEventLoop, run: Callable[[int], Awaitable[_T]]
) -> Callable[[int], _T]:
    """A sync timer running the async timer ``run`` to completion on ``loop``."""
    return lambda n: loop.run_until_complete(run(n))


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


async def aresponse(returned: Any) -> Any:
    """What a view returned (awaited when it is a coroutine), rendered (awaited when its
    ``render`` is a coroutine function), as Django's handler would."""
    response = await returned if inspect.isawaitable(returned) else returned
    render = getattr(response, "render", None)
    if callable(render) and not getattr(response, "is_rendered", False):
        rendered = render()
        response = await rendered if inspect.isawaitable(rendered) else rendered
    return response


def scope(method: str, path: str, headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    """An ASGI HTTP scope for ``method path`` on 127.0.0.1 with ``headers`` after ``host``."""
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"127.0.0.1"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


def write_results(path: Path, results: dict[str, Any], quick: bool) -> None:
    """Write ``results`` as JSON to ``path``, unless this is a ``--quick`` smoke run."""
    if quick:
        print("\n(--quick: no results written)")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"\nwrote {path}")


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
