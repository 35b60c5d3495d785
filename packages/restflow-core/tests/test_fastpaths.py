"""restflow-core's fast paths: on where the internals are as expected, off otherwise or on demand.

AUTH's equivalence with its public twin is tested here; HOP's in ``test_hop.py``,
which runs ``run_sync`` and ``sync_to_async`` side by side in every situation that
decides the thread.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from typing import Any

import pytest
from asgiref.sync import SyncToAsync
from django.contrib.auth.models import AnonymousUser, User
from django.test import RequestFactory
from rest_framework.request import Request

from restflow.core import _fastpaths, dispatch, hop


def test_every_fast_path_is_detected_with_these_releases() -> None:
    assert _fastpaths._detect_auth()
    assert _fastpaths._detect_hop()
    switched_off = os.environ.get("RESTFLOW_FAST_PATHS", "").strip() == "0"
    assert _fastpaths.ENABLED is not switched_off
    assert _fastpaths.AUTH is _fastpaths.HOP is _fastpaths.ENABLED


class Counting:
    """An authenticator that counts its calls and answers what it was given."""

    def __init__(self, answer: Any) -> None:
        self.answer, self.calls = answer, 0

    def authenticate(self, request: Any) -> Any:
        self.calls += 1
        return self.answer


def _state(request: Request) -> tuple[Any, ...]:
    authenticators = list(request.authenticators)
    chosen = request.successful_authenticator
    return (
        request.user,
        request.auth,
        None if chosen is None else authenticators.index(chosen),
        Request.__getattr__(request, "user"),  # DRF also sets it on Django's request
        [authenticator.calls for authenticator in authenticators],  # nobody asked again
        [sorted(vars(authenticator)) for authenticator in authenticators],  # nothing left on them
    )


@pytest.mark.parametrize("case", ["none configured", "none answered", "one answered"])
def test_recording_authentication_is_the_same_on_both_paths(case: str) -> None:
    user = User(username="ann")
    results = []
    for record in (_fastpaths.record_authentication, dispatch._record_authentication):
        authenticators = [] if case == "none configured" else [Counting(None), Counting(None)]
        found = None
        if case == "one answered":
            authenticators[1].answer = (user, "token")
            found = (authenticators[1], (user, "token"))
        request = Request(RequestFactory().get("/"), authenticators=authenticators)
        record(request, found)
        results.append(_state(request))
    assert results[0] == results[1]
    if case == "one answered":
        assert results[0][:5] == (user, "token", 1, user, [0, 0])
    else:
        assert isinstance(results[0][0], AnonymousUser)
        assert results[0][1:3] == (None, None)


def test_the_auth_path_is_off_when_drf_differs(monkeypatch: pytest.MonkeyPatch) -> None:
    def authenticate(self: Any) -> None:
        return None

    assert _fastpaths._detect_auth() is True
    monkeypatch.setattr(Request, "_authenticate", authenticate)
    assert _fastpaths._detect_auth() is False


@pytest.mark.skipif(not _fastpaths.HOP, reason="RESTFLOW_FAST_PATHS=0: run_sync is sync_to_async")
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
        print(_fastpaths.AUTH, _fastpaths.HOP, ours == theirs)
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


async def test_queue_sync_queues_only_on_the_hop_fast_path() -> None:
    """Off, ``queue_sync`` queues nothing and callers await ``run_sync``: the same outcome."""
    queued = hop.queue_sync(divmod, 7, 2)
    if _fastpaths.HOP:
        assert queued is not None and await queued == (3, 1)
    else:
        assert queued is None
    assert await hop.run_sync(divmod, 7, 2) == (3, 1)
