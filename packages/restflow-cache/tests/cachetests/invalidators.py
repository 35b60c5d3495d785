"""Invalidators the rule tests name by dotted path."""

from __future__ import annotations

from typing import Any

SEEN: list[tuple[str, Any, str]] = []


def drop_author(wrapper: Any, instance: Any, event: str) -> None:
    SEEN.append(("sync", instance.pk, event))
    wrapper.delete_cache(author_id=instance.pk)


async def adrop_author(wrapper: Any, instance: Any, event: str) -> None:
    SEEN.append(("async", instance.pk, event))
    await wrapper.adelete_cache(author_id=instance.pk)


def explode(wrapper: Any, instance: Any, event: str) -> None:
    raise RuntimeError("invalidator exploded")
