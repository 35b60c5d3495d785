"""The task functions dispatchers run for invalidation rules (module-level, JSON kwargs)."""

from __future__ import annotations

from typing import Any

from restflow.caching.invalidation.rule import get_rule
from restflow.core import call

__all__ = ["invalidate", "run_invalidator"]


def invalidate(rule: str, calls: list[dict[str, Any]]) -> None:
    """Apply rule ``rule`` to each call: ``{"kind": "key"|"prefix"|"all", "values": {...}}``.

    ``key`` deletes (or, for a rewarm rule, recomputes) one entry; ``prefix`` deletes every
    entry under the given partition values; ``all`` every entry of the function.
    """
    found = get_rule(rule)
    wrapper = found.wrapper
    for item in calls:
        values = found.decode_values(item["values"])
        if item["kind"] == "all":
            wrapper.invalidate_all()
        elif item["kind"] == "prefix":
            wrapper.delete_by_prefix(**values)
        elif found.rewarm:
            wrapper.refresh(**values)
        else:
            wrapper.delete_cache(**values)


def run_invalidator(rule: str, instances: list[dict[str, Any]], events: list[str]) -> None:
    """Call rule ``rule``'s invalidator as ``invalidator(wrapper, instance, event)`` per write.

    ``instance`` is rebuilt (unsaved) from its field values; async invalidators are awaited.
    """
    found = get_rule(rule)
    for data, event in zip(instances, events, strict=True):
        call(found.resolved_invalidator(), found.wrapper, found.rebuild(data), event)
