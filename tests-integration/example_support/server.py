"""Serve docs/example (or another test project) with uvicorn in a subprocess.

The example has its own settings (``example.settings``), so it never runs inside the
pytest process (which tests-integration/conftest.py configures for the package
combinations): ``manage.py migrate`` seeds a fresh SQLite file, then uvicorn serves it on
a free port, and the tests talk HTTP to it. ``serve_project`` does the same for any
project directory (tests-integration/hostile_support has one). The server is stopped by
its PID (with its worker processes: the server runs in a process group of its own).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from testsupport.processes import free_port, listening, log_says, run_django, running

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "docs" / "example"
DEMO_USER = {"username": "demo", "password": "restflow-demo"}


@dataclass
class Reply:
    """One HTTP answer: status, lower-cased headers, raw body."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode()


@dataclass
class ExampleServer:
    """A running example: its base URL, its log file and its environment."""

    base: str
    log: Path
    env: dict[str, str] = field(repr=False)
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def port(self) -> int:
        return int(self.base.rsplit(":", 1)[1])

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        token: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        """Send one request (a JSON body when given)."""
        sent = {"Accept": "*/*", **(headers or {})}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        if token:
            sent["Authorization"] = f"Bearer {token}"
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=sent)
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                status, head, payload = resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as exc:
            status, head, payload = exc.code, exc.headers, exc.read()
        return Reply(status, {k.lower(): v for k, v in head.items()}, payload)

    def login(self) -> dict[str, str]:
        """The demo user's ``{"access", "refresh"}`` tokens from ``/api/auth/token/``."""
        reply = self.request("POST", "/api/auth/token/", DEMO_USER)
        assert reply.status == 200, reply.text
        tokens: dict[str, str] = reply.json()
        return tokens

    def log_tail(self, size: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-size:]


def example_env(database: Path, **extra: str) -> dict[str, str]:
    """The example's environment: a throw-away database, LocMem unless ``REDIS_URL`` is given.

    The carrier settings of the calling environment are dropped: the quotes come from the
    in-process carrier unless ``extra`` names one.
    """
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "REDIS_URL") and not k.startswith("RESTFLOW_EXAMPLE_CARRIER_")
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(
        DJANGO_SETTINGS_MODULE="example.settings",
        DJANGO_DEBUG="0",
        RESTFLOW_EXAMPLE_DB=str(database),
        RESTFLOW_EXAMPLE_CACHE_PREFIX=f"restflow-example-test-{uuid.uuid4().hex}",
    )
    env.update(extra)
    return env


@contextmanager
def serve_example(
    timeout: float = 60.0, *, workers: int = 1, setup: str = "", **extra_env: str
) -> Iterator[ExampleServer]:
    """Migrate a fresh database, serve the example, yield it, stop it."""
    with tempfile.TemporaryDirectory(prefix="restflow-example-test-") as tmp:
        env = example_env(Path(tmp) / "example.sqlite3", **extra_env)
        with serve_project(
            EXAMPLE, "example.asgi:application", env, Path(tmp), timeout, workers, setup
        ) as server:
            yield server


@contextmanager
def serve_project(
    app_dir: Path,
    application: str,
    env: dict[str, str],
    tmp: Path,
    timeout: float = 60.0,
    workers: int = 1,
    setup: str = "",
) -> Iterator[ExampleServer]:
    """Serve the Django project in ``app_dir`` with uvicorn (``workers`` processes).

    ``env`` names the settings (``DJANGO_SETTINGS_MODULE``) and the database: ``manage.py
    migrate`` runs first (``python -m django`` from ``app_dir``), then ``setup`` (Python
    code, through ``manage.py shell -c``: users a test needs, ...) when given. The log goes
    to ``tmp/uvicorn.log``. With ``workers > 1`` the server is yielded once every worker
    has started.
    """
    manage(app_dir, env, "migrate", "--noinput")
    if setup:
        manage(app_dir, env, "shell", "-c", setup)
    port = free_port()
    log = tmp / "uvicorn.log"
    command = [sys.executable, "-m", "uvicorn", "--app-dir", str(app_dir), application]
    command += ["--host", "127.0.0.1", "--port", str(port), "--lifespan", "off"]
    if workers > 1:
        command += ["--workers", str(workers)]
    started = log_says(log, "Started server process", workers)
    with running(
        "uvicorn",
        command,
        log=log,
        ready=lambda: listening(port)() and started(),
        env=env,
        timeout=timeout,
    ) as server:
        yield ExampleServer(f"http://127.0.0.1:{port}", log, env, server)


def manage(app_dir: Path, env: Mapping[str, str], *args: str) -> None:
    """Run ``manage.py <args>`` for the project in ``app_dir``; fail with its output."""
    run_django(args, env=env, cwd=app_dir)


def worker_pids(server: subprocess.Popen[bytes]) -> list[int]:
    """The PIDs of the worker processes ``uvicorn --workers`` started (its spawned children)."""
    children = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            status = (proc / "status").read_text()
            command = (proc / "cmdline").read_bytes()
        except OSError:  # the process ended meanwhile
            continue
        parent = re.search(r"^PPid:\s*(\d+)", status, re.M)
        if parent and int(parent[1]) == server.pid and b"spawn_main" in command:
            children.append(int(proc.name))
    return sorted(children)
