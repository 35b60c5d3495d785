"""Cached functions whose invalidation rules run on a broker (test_cache_brokers.py).

For each broker whose library is installed: ``dropped[broker]`` (a Book write deletes the
entry of that book) and ``rewarmed[broker]`` (the worker recomputes it). A rule fires only
for books whose ``genre`` is the broker's name, so a test of one broker enqueues nothing
for the others. Values record the pid of the process that computed them; the namespace
holds the session's queue name, so sessions sharing the Redis never see each other's entries.
"""

from __future__ import annotations

import importlib.util
import os
from typing import Any

from combo_support.broker_apps import QUEUE, REDIS_URL
from restflow.caching import (
    ArgsKeyField,
    CachedWrapper,
    InlineKeyConstructor,
    InvalidationRule,
    cache_result,
)

BROKERS = {"rq": "rq", "dramatiq": "dramatiq", "django_q": "django_q", "celery": "celery"}
"""Dispatcher name -> the module its library provides."""

CONFIGS: dict[str, dict[str, Any]] = {
    "rq": {"url": REDIS_URL, "queue": QUEUE},
    "dramatiq": {"broker": "combo_support.broker_apps:broker", "queue": QUEUE},
    "django_q": {"cluster": QUEUE},
    "celery": {"app": "combo_support.broker_apps:app", "queue": QUEUE},
}

dropped: dict[str, CachedWrapper] = {}
rewarmed: dict[str, CachedWrapper] = {}


def computed_by(book_id: int) -> dict[str, int]:
    """The value cached for ``book_id``: who computed it."""
    return {"book_id": int(book_id), "pid": os.getpid()}


def _cached(broker: str, kind: str) -> CachedWrapper:
    key = InlineKeyConstructor(
        {"book_id": ArgsKeyField("book_id", partition=True)},
        name=f"{kind.title()}{broker.title()}Key",
        namespace=f"{QUEUE}-{broker.replace('_', '-')}",  # this session's entries only
    )

    def book_stamp(book_id: int) -> dict[str, int]:
        return computed_by(book_id)

    book_stamp.__qualname__ = book_stamp.__name__ = f"{kind}_{broker}"
    rule = InvalidationRule(
        "combo_support.Book",
        field_mapping={"book_id": "id"},
        rewarm=kind == "rewarmed",
        dispatcher=broker,
        dispatcher_config=CONFIGS[broker],
        trigger_on_create=False,
        invalidate_when={"genre": broker},
    )
    wrapper: CachedWrapper = cache_result(
        key_constructor=key, ttl=600, cache_alias="redis", invalidates_on=[rule]
    )(book_stamp)
    return wrapper


for _broker, _module in BROKERS.items():
    if importlib.util.find_spec(_module):
        dropped[_broker] = _cached(_broker, "dropped")
        rewarmed[_broker] = _cached(_broker, "rewarmed")
