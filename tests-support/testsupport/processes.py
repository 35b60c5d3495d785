"""Subprocesses of the tests: workers and servers, fresh interpreters, Django commands.

A long-running process (a broker worker, a uvicorn server) is started by :func:`running`
in its own process group, with its output in a log file; the test goes on once a
condition says it is ready (a line in its log, a port accepting connections), and the
whole group is stopped when the context exits.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

__all__ = [
    "SUPPORT",
    "console_script",
    "free_port",
    "fresh_django",
    "listening",
    "log_says",
    "python",
    "python_json",
    "run_django",
    "running",
    "stop",
    "wait_until",
    "with_support",
]

SUPPORT = Path(__file__).resolve().parent.parent
"""``tests-support/``: on ``sys.path`` of the pytest process (pythonpath), not of its children."""


def with_support(env: Mapping[str, str], *paths: Path) -> dict[str, str]:
    """``env`` with ``paths`` and :data:`SUPPORT` in front of its ``PYTHONPATH``.

    For a subprocess that imports test apps (which import ``testsupport``).
    """
    entries = [*(str(path) for path in paths), str(SUPPORT), env.get("PYTHONPATH", "")]
    return {**env, "PYTHONPATH": os.pathsep.join(entry for entry in entries if entry)}


def console_script(tool: str) -> str:
    """The path of a console script of this environment (``rq``, ``celery``, …)."""
    return str(Path(sys.executable).parent / tool)


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def listening(port: int) -> Callable[[], bool]:
    """A condition: something accepts connections on loopback ``port``."""

    def accepts() -> bool:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        except OSError:
            return False
        return True

    return accepts


def log_says(log: Path, text: str, times: int = 1) -> Callable[[], bool]:
    """A condition: ``text`` stands ``times`` times (or more) in the file ``log``."""
    return lambda: log.exists() and log.read_text(errors="replace").count(text) >= times


def _tail(log: Path | None, size: int = 4000) -> str:
    if log is None or not log.exists():
        return ""
    return f"\nlog ({log}):\n" + log.read_text(errors="replace")[-size:]


def wait_until(
    condition: Callable[[], bool],
    *,
    timeout: float = 30.0,
    what: str = "the condition",
    log: Path | None = None,
    process: subprocess.Popen[bytes] | None = None,
) -> None:
    """Poll ``condition`` until it holds; fail after ``timeout`` s (or when ``process`` ends).

    The failure shows the end of ``log`` when given.
    """
    deadline = time.monotonic() + timeout
    while not condition():
        if process is not None and process.poll() is not None:
            pytest.fail(f"exited with code {process.returncode} before {what}{_tail(log)}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {what}{_tail(log)}")
        time.sleep(0.05)


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the process (it stops its own children), then SIGKILL what is left of its group."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait(timeout=15)


@contextmanager
def running(
    name: str,
    argv: Sequence[str],
    *,
    log: Path,
    ready: Callable[[], bool],
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 60.0,
) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``argv`` in its own process group until the context exits; yield the process.

    Output goes to ``log``. Yields once ``ready()`` holds; fails with the log when the
    process exits or ``timeout`` passes first.
    """
    with log.open("ab") as out:
        process = subprocess.Popen(
            list(argv),
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=dict(env) if env is not None else None,
            cwd=str(cwd) if cwd is not None else None,
            start_new_session=True,
        )
    try:
        wait_until(ready, timeout=timeout, what=f"{name} to start", log=log, process=process)
        yield process
    finally:
        stop(process)


def run_django(
    args: Sequence[str], *, env: Mapping[str, str], cwd: Path, timeout: float = 300.0
) -> None:
    """``python -m django <args>`` with ``env``'s settings, from ``cwd``; fail with its output."""
    done = subprocess.run(
        [sys.executable, "-m", "django", *args],
        env=dict(env),
        cwd=str(cwd),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode:
        pytest.fail(f"django {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


def python(
    code: str,
    *args: str,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 120.0,
) -> str:
    """Run ``code`` in a fresh interpreter of this environment; its stdout (fail on an error)."""
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env=dict(env) if env is not None else None,
        cwd=str(cwd) if cwd is not None else None,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def python_json(code: str, *args: Any, env: Mapping[str, str] | None = None) -> Any:
    """:func:`python` with each of ``args`` as JSON; the JSON value of its last output line."""
    out = python(code, *(json.dumps(arg) for arg in args), env=env)
    return json.loads(out.splitlines()[-1])


BASE_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "rest_framework"]
"""The apps DRF needs (it builds ``AnonymousUser``)."""

_FRESH_DJANGO = """
import importlib, json, sys
import django
from django.conf import settings

config = json.loads(sys.argv[1])
settings.configure(
    SECRET_KEY="fresh-interpreter-test",
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    INSTALLED_APPS=config["apps"],
    REST_FRAMEWORK=config["rest_framework"],
    **config["settings"],
)
django.setup()
rest_framework_settings = config["rest_framework"]
drf_loaded_by = {}
for module in config["first"]:
    importlib.import_module(module)
    drf_loaded_by[module] = [
        name for name in ("rest_framework.views", "rest_framework.generics") if name in sys.modules
    ]

def name(value):
    return None if value is None else f"{value.__module__}.{value.__qualname__}"
"""


def fresh_django(
    body: str,
    *args: Any,
    rest_framework: Mapping[str, Any] | None = None,
    first: Sequence[str] = (),
    apps: Sequence[str] = (*BASE_APPS, "restflow.core"),
    settings: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
) -> Any:
    """Run ``body`` in a new interpreter with Django set up; the JSON of its last line.

    Django is configured with ``apps``, DRF's ``rest_framework`` settings (also
    readable as ``rest_framework_settings``) and any other ``settings``; the
    modules ``first`` are imported in order before ``body`` runs, and
    ``drf_loaded_by`` maps each to DRF's view modules loaded by then. ``name(x)``
    gives a class's dotted path; ``args`` reach ``body`` as JSON in ``sys.argv[2:]``.
    For import-order checks: in the test process every module is already imported.
    """
    config = {
        "apps": list(apps),
        "rest_framework": dict(rest_framework or {}),
        "settings": dict(settings or {}),
        "first": list(first),
    }
    return python_json(_FRESH_DJANGO + textwrap.dedent(body), config, *args, env=env)
