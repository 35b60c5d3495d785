"""Atomic async services under Django's ASGI handler: each request's transaction is its own.

Django's handler gives each request a ThreadSensitiveContext, so the block an
async service opens lives on that request's sync thread and connection, and
the service's ORM calls run there: two requests in flight at once never
share a transaction, and one failing rolls back only its own writes.
"""

from __future__ import annotations

import asyncio
import os

import pytest

from viewtests import service_views
from viewtests.asgi import arequest
from viewtests.models import Product

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("close_async_connections"),
]

ON_POSTGRES = os.environ.get("RESTFLOW_TEST_DB") == "postgres"


async def _two_at_once(first: dict[str, object], second: dict[str, object]) -> list[object]:
    service_views.MEETING["barrier"] = asyncio.Barrier(2)
    try:
        return list(
            await asyncio.gather(
                arequest("POST", "/services/meeting/", first),
                arequest("POST", "/services/meeting/", second),
            )
        )
    finally:
        service_views.MEETING.clear()


async def test_concurrent_requests_run_their_services_in_separate_transactions() -> None:
    a, b = await _two_at_once({"name": "a"}, {"name": "b"})
    assert (a.status, b.status) == (201, 201)
    assert a.json["in_block"] and b.json["in_block"]
    assert a.json["same_thread"] and b.json["same_thread"]  # each body's ORM calls: one thread
    assert a.json["thread"] != b.json["thread"]  # ... and not the other request's


@pytest.mark.skipif(not ON_POSTGRES, reason="concurrent write transactions need PostgreSQL")
async def test_one_concurrent_request_failing_rolls_back_only_its_own_writes() -> None:
    ok, refused = await _two_at_once(
        {"name": "kept", "write": True}, {"name": "dropped", "write": True, "fail": True}
    )
    assert (ok.status, refused.status) == (201, 400)
    assert refused.json["error"]["code"] == "refused"
    assert [name async for name in Product.objects.values_list("name", flat=True)] == ["kept"]
