"""restflow.caching.dispatchers: run tasks now, in a thread, on the loop or through a broker.

Built-ins by name: ``inline`` (default), ``threadpool``, ``asyncio``,
``celery``, ``rq``, ``django_rq``, ``django_q`` (django-q2), ``dramatiq``.
"""

from __future__ import annotations

from restflow.caching.dispatchers._options import Option
from restflow.caching.dispatchers.base import BatchError, Dispatcher, Task, run_batch, run_task
from restflow.caching.dispatchers.checks import check_dispatcher
from restflow.caching.dispatchers.registry import (
    get_dispatcher,
    known_dispatchers,
    register_dispatcher,
)

__all__ = [
    "BatchError",
    "Dispatcher",
    "Option",
    "Task",
    "check_dispatcher",
    "get_dispatcher",
    "known_dispatchers",
    "register_dispatcher",
    "run_batch",
    "run_task",
]
