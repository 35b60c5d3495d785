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


def _give_up(error: BatchError, retries: int) -> None:
    logger.error(
        "restflow gave up on %d task(s) after %d retr%s: %s",
        len(error.failed),
        retries,
        "y" if retries == 1 else "ies",
        error,
    )


def run_with_retries(payload: Payload, max_retries: int, retry_delay: float) -> None:
    """Run a batch, re-running only the failed tasks up to ``max_retries`` times; never raises."""
    for attempt in range(max_retries + 1):
        try:
            run_batch(payload)
            return
        except BatchError as error:
            if attempt == max_retries:
                _give_up(error, max_retries)
                return
            payload = error.failed
            if retry_delay:
                time.sleep(retry_delay)


async def arun_with_retries(payload: Payload, max_retries: int, retry_delay: float) -> None:
    """Async twin of :func:`run_with_retries`."""
    for attempt in range(max_retries + 1):
        try:
            await arun_batch(payload)
            return
        except BatchError as error:
            if attempt == max_retries:
                _give_up(error, max_retries)
                return
            payload = error.failed
            if retry_delay:
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
