"""The ``inline`` dispatcher: runs tasks now, in the caller (the default)."""

from __future__ import annotations

import asyncio
import time
from typing import ClassVar

from restflow.caching.dispatchers._options import Option, at_least
from restflow.caching.dispatchers.base import (
    BatchError,
    Dispatcher,
    Payload,
    arun_batch,
    logger,
    run_batch,
)

__all__ = ["LOCAL_OPTIONS", "InlineDispatcher", "arun_with_retries", "run_with_retries"]

LOCAL_OPTIONS: dict[str, Option] = {
    "max_retries": Option(int, 0, at_least(0)),
    "retry_delay": Option((int, float), 0, at_least(0)),
}
"""Retry keys shared by the in-process dispatchers (``inline``, ``threadpool``, ``asyncio``)."""


class _Retries:
    """What is left to run after each failed attempt: the failed tasks, until retries run out."""

    def __init__(self, max_retries: int) -> None:
        self.max_retries = max_retries
        self.attempt = 0

    def after(self, error: BatchError) -> Payload:
        """The tasks to run again, or nothing (giving up is logged)."""
        if self.attempt == self.max_retries:
            logger.error(
                "restflow gave up on %d task(s) after %d retr%s: %s",
                len(error.failed),
                self.max_retries,
                "y" if self.max_retries == 1 else "ies",
                error,
            )
            return []
        self.attempt += 1
        return error.failed


def run_with_retries(payload: Payload, max_retries: int, retry_delay: float) -> None:
    """Run a batch, re-running only the failed tasks up to ``max_retries`` times; never raises."""
    retries = _Retries(max_retries)
    while payload:
        try:
            run_batch(payload)
            payload = []
        except BatchError as error:
            payload = retries.after(error)
        if payload and retry_delay:
            time.sleep(retry_delay)


async def arun_with_retries(payload: Payload, max_retries: int, retry_delay: float) -> None:
    """Async twin of :func:`run_with_retries`."""
    retries = _Retries(max_retries)
    while payload:
        try:
            await arun_batch(payload)
            payload = []
        except BatchError as error:
            payload = retries.after(error)
        if payload and retry_delay:
            await asyncio.sleep(retry_delay)


class InlineDispatcher(Dispatcher):
    """Run the tasks immediately in the caller; failures are logged, never raised.

    Config: ``max_retries`` (default 0) re-runs failed tasks right away,
    ``retry_delay`` seconds apart (the caller waits).
    """

    name: ClassVar[str] = "inline"
    options: ClassVar[dict[str, Option]] = LOCAL_OPTIONS

    def send(self, payload: Payload) -> None:
        run_with_retries(payload, self.config["max_retries"], self.config["retry_delay"])

    async def asend(self, payload: Payload) -> None:
        await arun_with_retries(payload, self.config["max_retries"], self.config["retry_delay"])
