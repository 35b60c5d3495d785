"""restflow-core's fast paths: on where the internals are as expected, off otherwise or on demand.

Each path's equivalence with its public twin is tested where the path is used:
``test_render.py`` renders every case both ways and compares bytes and headers;
``test_hop.py`` runs ``run_sync`` and ``sync_to_async`` side by side in every
situation that decides the thread.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from typing import Any

import pytest
from asgiref.sync import SyncToAsync
from django.template.response import SimpleTemplateResponse

from restflow.core import _fastpaths, hop


def test_every_fast_path_is_on_with_these_releases() -> None:
    assert _fastpaths.ENABLED
    assert _fastpaths.RENDER
    assert _fastpaths.HOP


async def test_run_sync_takes_the_hop_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[Any] = []
    original = _fastpaths._start

    def spy(executor: Any, func: Any, work: Any) -> None:
        started.append(func)
        original(executor, func, work)

    monkeypatch.setattr(_fastpaths, "_start", spy)
    assert await hop.run_sync(divmod, 7, 2) == (3, 1)
    assert started == [divmod]


@pytest.mark.parametrize(
    "change",
    ["no deadlock guard", "no shared thread", "another __call__", "another thread handler"],
)
def test_the_hop_path_is_off_when_asgiref_differs(
    monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    async def plain_call(self: Any, *args: Any, **kwargs: Any) -> Any:
        return None

    def plain_handler(self: Any, *args: Any, **kwargs: Any) -> Any:
        return None

    if change == "no deadlock guard":
        monkeypatch.delattr(SyncToAsync, "deadlock_context")
    elif change == "no shared thread":
        monkeypatch.setattr(SyncToAsync, "single_thread_executor", None)
    elif change == "another __call__":
        monkeypatch.setattr(SyncToAsync, "__call__", plain_call)
    else:
        monkeypatch.setattr(SyncToAsync, "thread_handler", plain_handler)
    assert _fastpaths._detect_hop() is False


def test_the_render_path_is_off_when_django_differs(monkeypatch: pytest.MonkeyPatch) -> None:
    def render(self: Any) -> Any:
        return self

    assert _fastpaths._detect_render() is True
    monkeypatch.setattr(SimpleTemplateResponse, "render", render)
    assert _fastpaths._detect_render() is False


_SCRIPT = textwrap.dedent(
    """
    import asyncio, threading
    import django
    from django.conf import settings

    settings.configure(
        SECRET_KEY="fast-paths",
        ALLOWED_HOSTS=["*"],
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "restflow.core"],
        REST_FRAMEWORK={"DEFAULT_AUTHENTICATION_CLASSES": [], "UNAUTHENTICATED_USER": None},
    )
    django.setup()
    from asgiref.sync import sync_to_async
    from django.test import AsyncRequestFactory
    from rest_framework.response import Response
    from restflow.core import BaseAsyncAPIView, _fastpaths, run_sync

    class Hello(BaseAsyncAPIView):
        permission_classes = []

        async def get(self, request):
            return Response({"hello": "w\u2028orld", "n": [1, 2.5, None]})

    async def main():
        response = await Hello.as_view()(AsyncRequestFactory().get("/"))
        ours = await run_sync(threading.get_ident)
        theirs = await sync_to_async(threading.get_ident)()
        print(_fastpaths.RENDER, _fastpaths.HOP, ours == theirs)
        print(response["Content-Type"], response.content.decode())

    asyncio.run(main())
    """
)


@pytest.mark.parametrize("value", ["0", "1"])
def test_restflow_fast_paths_0_takes_every_public_path_with_the_same_result(value: str) -> None:
    env = {**os.environ, "RESTFLOW_FAST_PATHS": value}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-c", _SCRIPT], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    on = "True" if value == "1" else "False"
    assert result.stdout.splitlines() == [
        f"{on} {on} True",
        'application/json {"hello":"w\\u2028orld","n":[1,2.5,null]}',
    ]
