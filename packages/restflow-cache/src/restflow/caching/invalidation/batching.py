"""Sending invalidation tasks on commit, one batch per dispatcher and transaction."""

from __future__ import annotations

import json
import weakref
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from restflow.caching.dispatchers import Dispatcher, Task, get_dispatcher

__all__ = ["default_dispatcher", "on_commit"]

_DEFAULTS: dict[str, Dispatcher] = {}
_PENDING: weakref.WeakKeyDictionary[Any, _Batch] = weakref.WeakKeyDictionary()
"""The batch waiting for each database connection's commit (connections are per thread)."""


def default_dispatcher(spec: str, config: Mapping[str, Any]) -> Dispatcher:
    """One shared instance per (name, config), so rules using the default batch together."""
    key = f"{spec}|{json.dumps(config, sort_keys=True, default=str)}"
    found = _DEFAULTS.get(key)
    if found is None:
        found = _DEFAULTS[key] = get_dispatcher(spec, dict(config) or None)
    return found


class _Batch:
    def __init__(self) -> None:
        self.groups: dict[int, tuple[Dispatcher, list[Task]]] = {}

    def add(self, dispatcher: Dispatcher, task: Task) -> None:
        self.groups.setdefault(id(dispatcher), (dispatcher, []))[1].append(task)

    def flush(self) -> None:
        groups, self.groups = self.groups, {}
        for dispatcher, tasks in groups.values():
            dispatcher.dispatch(tasks)


def on_commit(dispatcher: Dispatcher, task: Task, using: str, *, batch: bool) -> None:
    """Dispatch ``task`` when ``using``'s transaction commits (now, outside a transaction).

    A rolled-back transaction drops its callbacks, so nothing is sent for it.
    """
    connection = transaction.get_connection(using)
    if not batch or not connection.in_atomic_block:
        transaction.on_commit(lambda: dispatcher.dispatch([task]), using=using)
        return
    pending = _PENDING.get(connection)
    registered = pending is not None and any(
        entry[1] == pending.flush for entry in connection.run_on_commit
    )
    if pending is None or not registered:
        pending = _PENDING[connection] = _Batch()
        transaction.on_commit(pending.flush, using=using)
    pending.add(dispatcher, task)
