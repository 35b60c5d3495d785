"""A second process sharing the test process's Redis (``python -m cachetests.peer ACTION …``).

Configures Django like the tests (same Redis key prefix, passed in ``RF_CACHE_PREFIX``), then
runs one action on ``cachetests.shared_cached.report`` and prints the result.
"""

from __future__ import annotations

import os
import sys

import django
from django.conf import settings


def main(argv: list[str]) -> None:
    settings.configure(
        SECRET_KEY="peer",
        CACHES={
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
            "redis": {
                "BACKEND": "django_redis.cache.RedisCache",
                "LOCATION": os.environ["REDIS_URL"],
                "KEY_PREFIX": os.environ["RF_CACHE_PREFIX"],
            },
        },
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "restflow.caching"],
        DATABASES={},
        RESTFLOW_SETTINGS={"CACHE": {"AUTODISCOVER_MODULES": []}},
    )
    django.setup()
    from cachetests.shared_cached import report, slow_report

    action, *args = argv
    numbers = [int(a) for a in args]
    if action == "call":
        value, meta = report.get_with_metadata(*numbers)
        print(meta["cache_status"], value)
    elif action == "delete_by_prefix":
        print(report.delete_by_prefix(account=numbers[0]))
    elif action == "slow_call":
        value, meta = slow_report.get_with_metadata(*numbers)
        print(meta["cache_status"], value)
    elif action == "invalidate_all":
        print(report.invalidate_all())


if __name__ == "__main__":
    main(sys.argv[1:])
