"""Service views routed through Django's ASGI handler (one ThreadSensitiveContext per request)."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from asgiref.sync import sync_to_async
from django.db import connection

from restflow.services import AsyncServiceCreateView, ServiceError, ServiceSpec
from viewtests.models import Product

# set by a test: the requests wait for each other inside their transactions
MEETING: dict[str, asyncio.Barrier] = {}


def _where() -> tuple[int, bool]:
    return threading.get_ident(), connection.in_atomic_block


async def meet_inside_the_transaction(*, data: dict[str, Any]) -> dict[str, Any]:
    before = await sync_to_async(_where)()
    if data.get("write"):  # not on SQLite: two concurrent write transactions lock each other out
        await Product.objects.acreate(name=data["name"])
    await MEETING["barrier"].wait()
    after = await sync_to_async(_where)()
    if data.get("fail"):
        raise ServiceError("Refused.", code="refused")
    return {"thread": before[0], "same_thread": before == after, "in_block": before[1]}


class MeetingView(AsyncServiceCreateView):
    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []
    spec = ServiceSpec(service=meet_inside_the_transaction)
