"""Tasks, the function workers run, and the ``Dispatcher`` base class.

A dispatcher knows nothing about caching: it runs *tasks*, each a dotted path
to a module-level callable plus JSON keyword arguments. Brokers carry a batch
of tasks as one job whose payload is plain JSON; every worker ends up in
:func:`run_batch`, which runs each task and, if any failed, raises
:class:`BatchError` so the broker can retry (only the failed tasks where the
broker lets the job change its arguments, else the whole batch: tasks must be
idempotent, as invalidations are).
"""

from __future__ import annotations

import functools
import importlib
import json
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import django
from asgiref.sync import sync_to_async
from django.apps import apps
from django.core import checks

from restflow.caching.dispatchers._options import Option, validate_config
from restflow.caching.settings import CACHE_SETTINGS
from restflow.core import acall, call

__all__ = [
    "BatchError",
    "Dispatcher",
    "Task",
    "arun_batch",
    "arun_task",
    "logger",
    "run_batch",
    "run_task",
]

logger = logging.getLogger("restflow.caching.dispatchers")

Payload = list[dict[str, Any]]
"""A batch as brokers carry it: ``[{"path": …, "kwargs": {…}, "description": …}, …]``."""


@dataclass(frozen=True)
class Task:
    """One unit of work: ``path`` (``"package.module:function"``) called with ``kwargs``.

    ``kwargs`` must be JSON-serialisable (brokers serialise it); a ``TypeError``
    naming the offending value is raised here, when the task is built.
    """

    path: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    description: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.path, str) or not all(_split_path(self.path)):
            raise TypeError(f"Task.path must be 'package.module:function', got {self.path!r}.")
        if not isinstance(self.kwargs, dict) or not all(isinstance(k, str) for k in self.kwargs):
            raise TypeError(f"Task.kwargs must be a dict with str keys, got {self.kwargs!r}.")
        try:
            json.dumps(self.kwargs)
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"Task.kwargs of {self.path!r} must be JSON-serialisable (brokers serialise "
                f"them): {exc}."
            ) from None

    def to_payload(self) -> dict[str, Any]:
        """The JSON form a broker carries."""
        return {"path": self.path, "kwargs": self.kwargs, "description": self.description}

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> Task:
        """Rebuild a task from :meth:`to_payload`'s output."""
        return cls(data["path"], dict(data.get("kwargs") or {}), data.get("description", ""))

    def __str__(self) -> str:
        return self.description or self.path


def _split_path(path: str) -> tuple[str, str]:
    module, sep, attr = path.partition(":")
    if not sep:
        module, _, attr = path.rpartition(".")
    return module, attr


@functools.lru_cache(maxsize=512)
def _resolve(path: str) -> Callable[..., Any]:
    module_name, attr = _split_path(path)
    try:
        target: Any = importlib.import_module(module_name)
        for part in attr.split("."):
            target = getattr(target, part)
    except (ImportError, AttributeError) as exc:
        raise ImportError(f"cannot import task {path!r}: {exc}") from exc
    if not callable(target):
        raise TypeError(f"task {path!r} is not callable.")
    return target


def _setup_django() -> None:
    # a plain `rq worker` or `dramatiq` process has DJANGO_SETTINGS_MODULE but no django.setup()
    if not apps.ready and os.environ.get("DJANGO_SETTINGS_MODULE"):
        django.setup()


def run_task(path: str, kwargs: dict[str, Any]) -> None:
    """Import ``path`` and call it with ``kwargs``; what every worker executes.

    Async callables are run to completion (``restflow.core.call``).
    Exceptions propagate so the broker can retry. In a worker process where
    ``DJANGO_SETTINGS_MODULE`` is set but Django is not set up yet, Django is
    set up first.
    """
    _setup_django()
    call(_resolve(path), **kwargs)


async def arun_task(path: str, kwargs: dict[str, Any]) -> None:
    """:func:`run_task` from async code: async callables are awaited, sync ones run in a thread."""
    await acall(_resolve(path), **kwargs)


class BatchError(Exception):
    """Some tasks of a batch failed; ``failed`` holds them (as payloads), ``errors`` their exceptions."""

    def __init__(self, failed: Payload, errors: list[BaseException]) -> None:
        names = ", ".join(str(Task.from_payload(item)) for item in failed)
        super().__init__(f"{len(failed)} task(s) failed: {names}")
        self.failed = failed
        self.errors = errors


class _Failures:
    """The failed tasks of one batch run: each logged, then raised together as a BatchError."""

    def __init__(self) -> None:
        self.failed: Payload = []
        self.errors: list[BaseException] = []

    def add(self, item: dict[str, Any], exc: BaseException) -> None:
        logger.error(
            "restflow task %s failed: %r",
            item.get("description") or item.get("path"),
            exc,
            exc_info=exc,
        )
        self.failed.append(item)
        self.errors.append(exc)

    def raise_any(self) -> None:
        if self.failed:
            raise BatchError(self.failed, self.errors)


def run_batch(payload: Payload) -> None:
    """Run every task of a batch; raise :class:`BatchError` naming the failures (after logging each)."""
    failures = _Failures()
    for item in payload:
        try:
            run_task(item["path"], dict(item.get("kwargs") or {}))
        except Exception as exc:
            failures.add(item, exc)
    failures.raise_any()


async def arun_batch(payload: Payload) -> None:
    """:func:`run_batch` from async code."""
    failures = _Failures()
    for item in payload:
        try:
            await arun_task(item["path"], dict(item.get("kwargs") or {}))
        except Exception as exc:
            failures.add(item, exc)
    failures.raise_any()


def to_payload(tasks: Sequence[Task]) -> Payload:
    """Check that ``tasks`` are :class:`Task` objects and return their JSON form."""
    if isinstance(tasks, Task):
        tasks = [tasks]
    bad = [task for task in tasks if not isinstance(task, Task)]
    if bad:
        raise TypeError(f"dispatchers run Task objects, got {bad[0]!r}.")
    return [task.to_payload() for task in tasks]


class Dispatcher:
    """Runs batches of tasks somewhere: now, in a thread, on the loop or through a broker.

    Subclasses set ``name``, declare their config keys in ``options`` and
    implement :meth:`send` (and :meth:`asend` when they have a native async
    path). ``Dispatcher(**config)`` validates the config: unknown keys and
    wrong values raise ``ImproperlyConfigured`` naming them. :meth:`dispatch`
    and :meth:`adispatch` never raise into the caller: a failure to run or
    enqueue is logged on the ``restflow.caching.dispatchers`` logger.
    """

    name: ClassVar[str] = ""
    options: ClassVar[Mapping[str, Option]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not isinstance(cls.name, str):
            raise TypeError(f"{cls.__name__}.name must be a str, got {cls.name!r}.")
        if not isinstance(cls.options, Mapping):
            raise TypeError(
                f"{cls.__name__}.options must be a mapping of config keys to Option, "
                f"got {cls.options!r}."
            )
        bad = [key for key, option in cls.options.items() if not isinstance(option, Option)]
        if bad:
            raise TypeError(
                f"{cls.__name__}.options[{bad[0]!r}] must be an Option "
                "(restflow.caching.dispatchers.Option)."
            )

    def __init__(self, **config: Any) -> None:
        self.config: dict[str, Any] = validate_config(self._owner(), self.options, config)

    @classmethod
    def _owner(cls) -> str:
        return f"{cls.__name__} ({cls.name!r} dispatcher)" if cls.name else cls.__name__

    def __repr__(self) -> str:
        changed = {k: v for k, v in self.config.items() if v != self.options[k].default}
        return f"<{type(self).__name__} {changed}>" if changed else f"<{type(self).__name__}>"

    def dispatch(self, tasks: Sequence[Task]) -> None:
        """Hand ``tasks`` over as one batch; log (never raise) whatever goes wrong."""
        payload = to_payload(tasks)
        if not payload:
            return
        try:
            self.send(payload)
        except Exception:
            self._log_send_failure(payload)
            if self.raises():
                raise

    async def adispatch(self, tasks: Sequence[Task]) -> None:
        """Async twin of :meth:`dispatch`."""
        payload = to_payload(tasks)
        if not payload:
            return
        try:
            await self.asend(payload)
        except Exception:
            self._log_send_failure(payload)
            if self.raises():
                raise

    def raises(self) -> bool:
        """Whether :meth:`dispatch` re-raises what it logged.

        ``RESTFLOW_SETTINGS["CACHE"]["DISPATCHER_SETTINGS"][name]["RAISE_EXCEPTION"]``, else
        ``DISPATCHER_RAISE_EXCEPTION`` (default ``False``: logged only).
        """
        block = CACHE_SETTINGS.DISPATCHER_SETTINGS.get(self.name) or {} if self.name else {}
        chosen = block.get("RAISE_EXCEPTION")
        return bool(CACHE_SETTINGS.DISPATCHER_RAISE_EXCEPTION if chosen is None else chosen)

    def _log_send_failure(self, payload: Payload) -> None:
        logger.exception(
            "%s could not run %d task(s): %s",
            self._owner(),
            len(payload),
            ", ".join(str(Task.from_payload(item)) for item in payload),
        )

    def send(self, payload: Payload) -> None:
        """Run or enqueue one batch (:meth:`Task.to_payload` dicts); may raise."""
        raise NotImplementedError(f"{type(self).__name__} must implement send().")

    async def asend(self, payload: Payload) -> None:
        """Async twin of :meth:`send`; by default runs :meth:`send` in a worker thread.

        Broker clients are blocking; a thread keeps them off the event loop.
        """
        await sync_to_async(self.send, thread_sensitive=False)(payload)

    def check(self) -> list[checks.CheckMessage]:
        """Start-up problems (a missing extra, an unknown queue, …) as system-check messages."""
        return []
