"""Real worker processes for tests-integration/test_cache_brokers.py.

A worker runs with tests-integration/ on ``PYTHONPATH``, loads
``combo_support.worker_settings`` and consumes the queue named by ``RF_IT_QUEUE``
(unique to the test session, so workers of other sessions on the shared Redis never
take these jobs). It runs in its own process group until the context exits.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def command(tool: str) -> str:
    """The path of a console script of this environment (``rq``, ``celery``, ``dramatiq``)."""
    return str(BIN / tool)


def worker_env(queue: str, **extra: str) -> dict[str, str]:
    """The environment of a worker process consuming ``queue``."""
    env = dict(os.environ)
    path = [str(HERE), env.get("PYTHONPATH", "")]
    env.update(
        PYTHONPATH=os.pathsep.join(p for p in path if p),
        DJANGO_SETTINGS_MODULE="combo_support.worker_settings",
        RF_IT_QUEUE=queue,
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


def django_admin(env: dict[str, str], *argv: str) -> None:
    """Run ``python -m django …`` with the worker's settings (e.g. ``migrate``); fail on error."""
    done = subprocess.run(
        [sys.executable, "-m", "django", *argv],
        env=env,
        cwd=str(HERE),
        capture_output=True,
        text=True,
        timeout=180,
    )
    if done.returncode:
        pytest.fail(f"django {' '.join(argv)} failed:\n{done.stdout}\n{done.stderr}")


@contextmanager
def running_worker(
    name: str,
    argv: Sequence[str],
    ready: str,
    log_dir: Path,
    env: dict[str, str],
    timeout: float = 90.0,
) -> Iterator[Path]:
    """Run ``argv`` until the context exits, once ``ready`` appears in its log; yield the log."""
    log = log_dir / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            list(argv),
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=str(HERE),
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
    """SIGTERM the worker, then SIGKILL whatever is left of its process group."""
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


def wait_until(
    condition: Callable[[], bool], log: Path, timeout: float = 60.0, what: str = "the worker"
) -> None:
    """Poll ``condition`` until true; fail after ``timeout`` seconds showing the worker's log."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(
                f"timed out after {timeout}s waiting for {what}; worker log:\n"
                + log.read_text(errors="replace")[-4000:]
            )
        time.sleep(0.05)


def delete_matching(redis_url: str, pattern: str) -> None:
    """Delete every Redis key matching ``pattern`` (clean-up of a session's queues)."""
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=pattern, count=500))
    if keys:
        client.delete(*keys)
