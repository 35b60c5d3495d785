"""When a timed-out view's 504 leaves, with the handler blocked in a thread hop.

Each case runs through Django's ``ASGIHandler`` in this process and over HTTP
against uvicorn in a subprocess (``viewtests/timeout_views.py``). The blocked call
holds its thread until the test releases it, so the order of events is asserted,
not durations:

- at the deadline: the 504 arrives while the call is still blocked;
- after the call: the timeout fired (the handler was cancelled), and still no response
  once a quick request sent after that has been answered (a 504 that did not wait would
  have left first); the 504 arrives once the call is released and has returned.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from uvicorn_support import uvicorn_subprocess

from testsupport.ci import need_modules
from viewtests.timeout_views import TIMEOUT, make_router

need_modules("httpx", "uvicorn", install="pip install 'uvicorn>=0.30' 'httpx>=0.27'")
import httpx  # noqa: E402

pytestmark = pytest.mark.urls("viewtests.timeout_views")

AT_DEADLINE = [
    ("none", "run_sync"),
    ("none", "sync_to_async"),
    ("native_async", "run_sync"),
    ("startproject", "free_thread"),
    ("sync_only", "free_thread"),
    ("none", "text_renderer"),
]
AFTER_THE_CALL = [
    ("startproject", "run_sync"),
    ("startproject", "sync_to_async"),
    ("sync_only", "run_sync"),
    ("sync_only", "sync_to_async"),
]

_LAUNCH = """
import sys
sys.path.insert(0, sys.argv[1])
import django, uvicorn
from django.conf import settings
settings.configure(
    DEBUG=False,
    SECRET_KEY="restflow-timeout-tests-not-secret",
    ALLOWED_HOSTS=["*"],
    INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth",
                    "django.contrib.sessions", "django.contrib.messages", "rest_framework"],
    ROOT_URLCONF="viewtests.timeout_views",
    REST_FRAMEWORK={"EXCEPTION_HANDLER": "restflow.exceptions.exception_handler"},
)
django.setup()
from viewtests.timeout_views import make_router
uvicorn.run(make_router(), host="127.0.0.1", port=int(sys.argv[-1]), log_level="warning")
"""


@dataclass
class Exchange:
    """One request's response, and whether its blocked call had returned when it began."""

    name: str
    probe: Callable[[], bool]
    status: int = 0
    content_type: str = ""
    body: bytes = b""
    call_had_ended: bool | None = None
    responded: asyncio.Event = field(default_factory=asyncio.Event)

    def begin(self, status: int, content_type: str) -> None:
        self.status, self.content_type = status, content_type
        self.call_had_ended = self.probe()


Fetch = Callable[[str, str, Exchange], Awaitable[None]]


@pytest.fixture(scope="module")
def marks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    directory = tmp_path_factory.mktemp("timeout-marks")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RESTFLOW_TIMEOUT_MARKS", str(directory))
        yield directory


@pytest.fixture(scope="module")
def server(marks: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("timeout-server") / "server.log"
    tests_dir = str(Path(__file__).parent)
    with uvicorn_subprocess(_LAUNCH, [tests_dir], log) as base:
        yield base


def _in_process() -> Fetch:
    router = make_router()

    async def fetch(path: str, accept: str, exchange: Exchange) -> None:
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
            "method": "GET", "scheme": "http", "path": path, "raw_path": path.encode(),
            "query_string": b"", "root_path": "", "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
            "headers": [(b"host", b"testserver"), (b"accept", accept.encode())],
        }  # fmt: skip
        pending = [{"type": "http.request", "body": b"", "more_body": False}]

        async def receive() -> dict[str, Any]:
            if pending:
                return pending.pop()
            await asyncio.Event().wait()  # no disconnect: Django cancels this once done
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = {key.lower(): value for key, value in message["headers"]}
                exchange.begin(message["status"], headers.get(b"content-type", b"").decode())
                return
            exchange.body += message.get("body", b"")
            if not message.get("more_body"):
                exchange.responded.set()

        await router(scope, receive, send)

    return fetch


def _over_http(base: str) -> Fetch:
    async def fetch(path: str, accept: str, exchange: Exchange) -> None:
        async with (
            httpx.AsyncClient(base_url=base, timeout=20) as client,
            client.stream("GET", path, headers={"Accept": accept}) as response,
        ):
            exchange.begin(response.status_code, response.headers.get("content-type", ""))
            exchange.body = await response.aread()
        exchange.responded.set()

    return fetch


@pytest.fixture(params=["asgi_handler", "uvicorn"])
def fetch(request: pytest.FixtureRequest, marks: Path) -> Fetch:
    if request.param == "uvicorn":
        return _over_http(request.getfixturevalue("server"))
    return _in_process()


async def _wait_for_mark(marks: Path, mark: str, within: float = 5.0) -> None:
    deadline = time.monotonic() + within
    while not (marks / mark).exists():
        assert time.monotonic() < deadline, f"no {mark!r} within {within} s"
        await asyncio.sleep(0.01)


@asynccontextmanager
async def _blocked_request(
    fetch: Fetch, marks: Path, stack: str, hop: str
) -> AsyncIterator[Exchange]:
    """Send the request; on exit release its blocked call and wait for the request to end."""
    name = uuid.uuid4().hex[:12]
    accept = "text/plain" if hop == "text_renderer" else "application/json"
    exchange = Exchange(name, probe=(marks / f"ended-{name}").exists)
    task = asyncio.ensure_future(fetch(f"/{stack}/{hop}/{name}/", accept, exchange))
    try:
        await _wait_for_mark(marks, f"started-{name}")
        yield exchange
    finally:
        (marks / f"release-{name}").touch()
        await asyncio.wait_for(task, 20)


async def _quick(fetch: Fetch, stack: str) -> Exchange:
    """One quick request (a thread-sensitive hop), answered."""
    quick = Exchange("quick", probe=lambda: False)
    await asyncio.wait_for(fetch(f"/{stack}/quick/", "application/json", quick), 10)
    assert (quick.status, json.loads(quick.body)) == (200, {"hop": "done"})
    return quick


def _assert_timeout_envelope(exchange: Exchange) -> None:
    assert exchange.status == 504
    assert exchange.content_type == "application/json"
    error = json.loads(exchange.body)["error"]
    assert error["code"] == "timeout"
    assert error["details"] == {"timeout": TIMEOUT}


@pytest.mark.parametrize(("stack", "hop"), AT_DEADLINE)
async def test_the_504_leaves_at_the_deadline_while_the_call_still_blocks(
    fetch: Fetch, marks: Path, stack: str, hop: str
) -> None:
    async with _blocked_request(fetch, marks, stack, hop) as exchange:
        await asyncio.wait_for(exchange.responded.wait(), 10)
        assert exchange.call_had_ended is False
    _assert_timeout_envelope(exchange)


@pytest.mark.parametrize(("stack", "hop"), AFTER_THE_CALL)
async def test_the_504_waits_for_the_call_when_the_response_needs_its_thread(
    fetch: Fetch, marks: Path, stack: str, hop: str
) -> None:
    async with _blocked_request(fetch, marks, stack, hop) as exchange:
        await _wait_for_mark(marks, f"cancelled-{exchange.name}")  # the timeout fired
        await _quick(fetch, "none")  # answered after a 504 that does not wait would have left
        assert not exchange.responded.is_set()
    assert exchange.responded.is_set()
    assert exchange.call_had_ended is True
    _assert_timeout_envelope(exchange)


async def test_a_blocked_call_holds_only_its_own_requests_thread(fetch: Fetch, marks: Path) -> None:
    async with _blocked_request(fetch, marks, "startproject", "run_sync") as blocked:
        await _wait_for_mark(marks, f"cancelled-{blocked.name}")
        await _quick(fetch, "startproject")
        assert not blocked.responded.is_set()
