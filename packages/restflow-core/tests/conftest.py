"""Django settings for restflow-core's own tests (SQLite in memory, LocMem cache).

The extra cache aliases serve restflow.asynccache's tests (``asynccache_support.CACHES``):
with ``REDIS_URL`` set (``python scripts/services.py start && source .services.env``) they
include Django's ``RedisCache`` and django-redis on that server.
"""

from __future__ import annotations

import sys
from pathlib import Path

from testsupport.settings import SESSIONS_AND_AUTH, configure

sys.path.insert(0, str(Path(__file__).parent))

from asynccache_support import caches_setting  # on the path just above


def pytest_configure(config: object) -> None:
    configure(
        "restflow-core",
        ["django.contrib.sessions", "restflow.core", "coretests"],
        CACHES=caches_setting(),
        MIDDLEWARE=SESSIONS_AND_AUTH,
        ROOT_URLCONF="coretests.urls",
    )
