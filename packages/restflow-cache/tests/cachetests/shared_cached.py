"""A cached function on the ``redis`` alias that the test process and a peer process share."""

from __future__ import annotations

import os

from restflow.caching import ArgsKeyField, KeyConstructor, cache_result


class ReportKey(KeyConstructor):
    account = ArgsKeyField("account", partition=True)
    month = ArgsKeyField("month")

    class Meta:
        namespace = "shared"


@cache_result(key_constructor=ReportKey, cache_alias="redis", ttl=60)
def report(account: int, month: int) -> str:
    return f"{account}/{month} by {os.getpid()}"


@cache_result(cache_alias="redis", ttl=60)
def slow_report(account: int) -> str:
    import time

    time.sleep(0.6)
    return f"{account} by {os.getpid()}"
