"""The dramatiq broker of the tests, with restflow's actor declared (workers import this)."""

from __future__ import annotations

import os

import dramatiq
from dramatiq.brokers.redis import RedisBroker

from restflow.caching.dispatchers.dramatiq import declare_actor

QUEUE = os.environ.get("RF_WORKER_QUEUE", "restflow-dispatch")

broker = RedisBroker(url=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
dramatiq.set_broker(broker)
declare_actor(broker, queues=[QUEUE])
