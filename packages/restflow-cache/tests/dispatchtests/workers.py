"""Starting and stopping real worker processes for the broker dispatcher tests.

Each broker test module starts its worker once (a module-scoped fixture) and
stops it at the end. Workers run with ``tests/`` on ``PYTHONPATH`` and load
``worker_settings``; the queue name is unique to this test session.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis

TESTS_DIR = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
QUEUE = f"rf-dispatch-{os.getpid()}"


def require_redis_url() -> str:
    """``REDIS_URL``, or skip (fail under ``CI=true``) saying how to get it."""
    url = os.environ.get("REDIS_URL")
    if url:
        return url
    message = (
        "REDIS_URL is not set: the broker dispatchers are tested against real workers on Redis. "
        "Run `python scripts/services.py start` and `source .services.env` at the repo root."
    )
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def worker_env(**extra: str) -> dict[str, str]:
    """The environment of a worker process."""
    env = dict(os.environ)
    path = [str(TESTS_DIR), env.get("PYTHONPATH", "")]
    env.update(
        PYTHONPATH=os.pathsep.join(p for p in path if p),
        DJANGO_SETTINGS_MODULE="worker_settings",
        RF_DISPATCH_QUEUE=QUEUE,
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


@contextmanager
def running_worker(
    name: str,
    argv: Sequence[str],
    ready: str,
    log_dir: Path,
    env: dict[str, str],
    timeout: float = 60.0,
) -> Iterator[Path]:
    """Run ``argv`` in its own process group until the context exits; yield its log file.

    Waits until ``ready`` appears in the log (failing with the log if the
    process exits or ``timeout`` passes first).
    """
    log = log_dir / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            list(argv),
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=str(TESTS_DIR),
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + timeout
        while ready not in log.read_text(errors="replace"):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the {name} worker did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.1)
        yield log
    finally:
        _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the worker (it stops its own children), then SIGKILL whatever is left of its group."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=15)


def command(tool: str) -> str:
    """The path of a console script of this environment (``rq``, ``celery``, …)."""
    return str(BIN / tool)


def new_key() -> str:
    """A Redis key unique to this test."""
    return f"{QUEUE}:{uuid.uuid4().hex}"


def wait_until(
    condition: Callable[[], bool], timeout: float = 30.0, what: str = "the worker's effect"
) -> None:
    """Poll ``condition`` until true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.05)


def read(client: redis.Redis, key: str) -> str | None:
    """The value of ``key`` as text, or ``None``."""
    value = client.get(key)
    return None if value is None else value.decode()


def delete_matching(client: redis.Redis, pattern: str) -> None:
    """Delete every key matching ``pattern`` (test clean-up)."""
    keys = list(client.scan_iter(match=pattern, count=500))
    if keys:
        client.delete(*keys)
