"""Run a validation or save plan in as few thread hops as possible.

A plan is a list of steps. Each step is sync code that needs no I/O
(``LOOP``), sync code that may block (``THREAD``: a user's sync validator, a
related field's query, ``UniqueValidator``), or a coroutine function
(``ASYNC``: an ``async def validate_<name>``). The async runner cuts the plan
at its async steps and runs each run of sync steps in one go: on the event
loop when all of them are ``LOOP``, else in a single
``sync_to_async(thread_sensitive=True)`` hop. The sync runner calls every
step in order.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from asgiref.sync import sync_to_async


class Mode(enum.IntEnum):
    """How a step runs on the async path; ordered so ``max()`` gives a plan's overall mode."""

    LOOP = 0
    THREAD = 1
    ASYNC = 2


class Step(NamedTuple):
    """One unit of work: ``run(state)`` (a coroutine function when ``mode`` is ``ASYNC``)."""

    mode: Mode
    run: Callable[[Any], Any]


class Plan:
    """A sequence of steps, segmented once for the async runner."""

    __slots__ = ("mode", "segments", "steps")

    def __init__(self, steps: Sequence[Step]) -> None:
        self.steps = tuple(steps)
        self.mode = max((step.mode for step in self.steps), default=Mode.LOOP)
        segments: list[tuple[Mode, tuple[Step, ...]]] = []
        run: list[Step] = []
        for step in self.steps:
            if step.mode is Mode.ASYNC:
                if run:
                    segments.append((max(s.mode for s in run), tuple(run)))
                    run = []
                segments.append((Mode.ASYNC, (step,)))
            else:
                run.append(step)
        if run:
            segments.append((max(s.mode for s in run), tuple(run)))
        self.segments = tuple(segments)

    @property
    def hops(self) -> int:
        """How many thread hops the async runner takes (at most)."""
        return sum(1 for mode, _ in self.segments if mode is Mode.THREAD)


def _run_steps(steps: Sequence[Step], state: Any) -> None:
    for step in steps:
        step.run(state)


def run_sync(plan: Plan, state: Any) -> None:
    """Run every step in order; the caller has refused plans with async steps."""
    _run_steps(plan.steps, state)


async def run_async(plan: Plan, state: Any) -> None:
    """Run ``plan``: sync runs on the loop or in one thread hop each, async steps awaited."""
    for mode, steps in plan.segments:
        if mode is Mode.ASYNC:
            await steps[0].run(state)
        elif mode is Mode.LOOP:
            _run_steps(steps, state)
        else:
            await sync_to_async(_run_steps, thread_sensitive=True)(steps, state)
