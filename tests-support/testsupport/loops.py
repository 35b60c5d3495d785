"""Where code runs: on an event loop, or in a thread of its own (sync/async path tests)."""

from __future__ import annotations

import asyncio

__all__ = ["on_loop", "where"]


def on_loop() -> bool:
    """Whether the caller runs on an event loop (not in a worker thread of ``sync_to_async``)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def where() -> str:
    """``"loop"`` or ``"thread"``: :func:`on_loop` as a word for records and assertions."""
    return "loop" if on_loop() else "thread"
