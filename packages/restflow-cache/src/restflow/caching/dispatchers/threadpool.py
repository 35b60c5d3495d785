"""The ``threadpool`` dispatcher: runs tasks in a pool of threads of this process."""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import ClassVar

from django.db import connections

from restflow.caching.dispatchers._options import Option, at_least, non_empty
from restflow.caching.dispatchers.base import Dispatcher, Payload
from restflow.caching.dispatchers.inline import LOCAL_OPTIONS, run_with_retries

__all__ = ["ThreadPoolDispatcher"]

_POOLS: dict[tuple[int, str], ThreadPoolExecutor] = {}
_POOLS_LOCK = threading.Lock()


def _pool(max_workers: int, prefix: str) -> ThreadPoolExecutor:
    key = (max_workers, prefix)
    pool = _POOLS.get(key)
    if pool is None:
        with _POOLS_LOCK:
            pool = _POOLS.get(key)
            if pool is None:
                pool = _POOLS[key] = ThreadPoolExecutor(max_workers, thread_name_prefix=prefix)
    return pool


def _run(payload: Payload, max_retries: int, retry_delay: float) -> None:
    try:
        run_with_retries(payload, max_retries, retry_delay)
    finally:
        # database connections are per thread: do not leave this one's open
        connections.close_all()


class ThreadPoolDispatcher(Dispatcher):
    """Submit each batch to a thread pool and return at once.

    Config: ``max_workers`` (default 4) and ``thread_name_prefix`` (default
    ``"restflow-cache"``) pick the pool (dispatchers with the same pair share
    one), ``max_retries``/``retry_delay`` as for ``inline``. The pool lives in
    this process: work not finished when it exits is lost.
    """

    name: ClassVar[str] = "threadpool"
    options: ClassVar[dict[str, Option]] = {
        "max_workers": Option(int, 4, at_least(1)),
        "thread_name_prefix": Option(str, "restflow-cache", non_empty),
        **LOCAL_OPTIONS,
    }

    def send(self, payload: Payload) -> None:
        self.submit(payload)

    async def asend(self, payload: Payload) -> None:
        self.submit(payload)  # submitting does not block

    def submit(self, payload: Payload) -> Future[None]:
        """Submit one batch; the future completes when it has run (failures are logged)."""
        pool = _pool(self.config["max_workers"], self.config["thread_name_prefix"])
        return pool.submit(_run, payload, self.config["max_retries"], self.config["retry_delay"])
