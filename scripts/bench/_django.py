"""Django set-up and thread-hop counting shared by the in-process cache benches."""

from __future__ import annotations

import os
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
    """How many ``sync_to_async`` calls ``run()`` makes (never used while timing)."""
    from asgiref.sync import SyncToAsync

    original = SyncToAsync.__call__
    hops = 0

    async def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        nonlocal hops
        hops += 1
        return await original(self, *args, **kwargs)

    SyncToAsync.__call__ = counted  # type: ignore[method-assign]
    try:
        run()
    finally:
        SyncToAsync.__call__ = original  # type: ignore[method-assign]
    return hops
