"""Streaming responses over a real uvicorn server, read incrementally with httpx."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from uvicorn_support import uvicorn_subprocess

from testsupport.ci import need_modules
from testsupport.processes import log_says, wait_until

need_modules("httpx", "uvicorn", install="pip install 'uvicorn>=0.30' 'httpx>=0.27'")
import httpx  # noqa: E402

TESTS_DIR = Path(__file__).parent
_LAUNCH = """
import importlib.util, sys, uvicorn
spec = importlib.util.spec_from_file_location("rf_stream_views", sys.argv[1])
module = importlib.util.module_from_spec(spec)
sys.modules["rf_stream_views"] = module
spec.loader.exec_module(module)
uvicorn.run(module.make_app(), host="127.0.0.1", port=int(sys.argv[2]), log_level="info")
"""


class Server:
    def __init__(self, base: str, marks: Path, log: Path) -> None:
        self.base, self.marks, self.log = base, marks, log

    def release(self, name: str) -> None:
        (self.marks / f"release-{name}").touch()

    def finished(self, name: str, within: float = 5.0) -> bool:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if (self.marks / f"finally-{name}").exists():
                return True
            time.sleep(0.02)
        return False

    def log_since(self, offset: int) -> str:
        return self.log.read_bytes()[offset:].decode()

    def log_settled(self) -> None:
        """Serve one more request and wait for its access line: by then the server has
        logged whatever the requests before it made it log."""
        sentinel = _name()
        assert httpx.get(f"{self.base}/sse/async/{sentinel}?fixed=1", timeout=10).is_success
        wait_until(log_says(self.log, sentinel), timeout=10, what="the sentinel's access line")

    def log_size(self) -> int:
        return self.log.stat().st_size


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("stream")
    marks, log = root / "marks", root / "server.log"
    marks.mkdir()
    app_file = str(TESTS_DIR / "viewtests" / "stream_views.py")
    env = {"RESTFLOW_STREAM_MARKS": str(marks)}
    with uvicorn_subprocess(_LAUNCH, [app_file], log, env) as base:
        yield Server(base, marks, log)


def _name() -> str:
    return uuid.uuid4().hex[:12]


KINDS = ["list", "ndjson", "sse"]
MODES = ["sync", "async"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", KINDS)
def test_first_item_arrives_before_the_producer_finishes(
    server: Server, kind: str, mode: str
) -> None:
    name = _name()
    url = f"{server.base}/{kind}/{mode}/{name}?count=3"
    with httpx.Client(timeout=10) as client, client.stream("GET", url) as response:
        chunks = response.iter_raw()
        first = b""
        while b'"n":0' not in first:
            first += next(chunks)
        # the producer is parked after its first item until released: it has not finished
        assert not (server.marks / f"finally-{name}").exists()
        server.release(name)
        body = first + b"".join(chunks)
    assert server.finished(name)
    if kind == "list":
        assert json.loads(body) == [{"n": 0}, {"n": 1}, {"n": 2}]
    elif kind == "ndjson":
        assert [json.loads(line) for line in body.splitlines()] == [{"n": i} for i in range(3)]
    else:
        assert body == b"".join(b'data: {"n":%d}\n\n' % i for i in range(3))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", KINDS)
def test_client_disconnect_stops_the_producer_without_error_log(
    server: Server, kind: str, mode: str
) -> None:
    name = _name()
    offset = server.log_size()
    url = f"{server.base}/{kind}/{mode}/{name}"  # endless producer
    with httpx.Client(timeout=10) as client, client.stream("GET", url) as response:
        chunks = response.iter_raw()
        first = b""
        while b'"n":0' not in first:
            first += next(chunks)
        server.release(name)
        assert b'"n":1' in first + next(chunks) + next(chunks)
    assert server.finished(name), "the producer's finally did not run after the disconnect"
    server.log_settled()
    log = server.log_since(offset)
    assert "ERROR" not in log and "Traceback" not in log, log


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", KINDS)
def test_failing_producer_ends_the_stream_and_is_logged(
    server: Server, kind: str, mode: str
) -> None:
    name = _name()
    server.release(name)
    offset = server.log_size()
    response = httpx.get(f"{server.base}/{kind}/{mode}/{name}?count=5&fail_at=2", timeout=10)
    assert response.status_code == 200
    body = response.content
    if kind == "list":
        assert body == b'[{"n":0},{"n":1}'  # no closing bracket: visibly truncated
        with pytest.raises(json.JSONDecodeError):
            json.loads(body)
    elif kind == "ndjson":
        assert body == b'{"n":0}\n{"n":1}\n'
    else:
        assert body == b'data: {"n":0}\n\ndata: {"n":1}\n\n'
    assert server.finished(name)
    server.log_settled()
    log = server.log_since(offset)
    assert "LOG ERROR restflow.responses" in log and "producer exploded" in log, log


def test_sse_over_the_wire_has_headers_and_fields(server: Server) -> None:
    response = httpx.get(f"{server.base}/sse/async/{_name()}?fixed=1", timeout=10)
    assert response.headers["content-type"] == "text/event-stream"
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["x-accel-buffering"] == "no"
    assert response.content == (
        b": hello\n\nevent: tick\nid: 7\nretry: 1500\ndata: line1\ndata: line2\n\n"
    )
