"""Services run atomically on both paths: rollback for every sync/async combination, and the hops it takes.

``run`` is what a sync service view calls, ``arun`` what an async one
awaits. Every service writes two rows (two models) and then fails, so a
rollback leaves none. Hop counts follow issue 20's acceptance: under an
async view a sync service takes exactly one hop; an async service takes
none of its own with ``atomic=False`` and, with ``atomic=True``, only the
two opening and closing the transaction on the database thread where its
ORM calls run.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.db import OperationalError, connection

from restflow.core import count_hops
from restflow.exceptions import APIException
from restflow.services import ServiceError, ServiceSpec, arun, run
from restflow.views.timeout import GatewayTimeout
from viewtests.models import Category, Product

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("close_async_connections"),
]


def write_then_fail(*, data: dict[str, Any]) -> None:
    Category.objects.create(name=data["name"])
    Product.objects.create(name=data["name"])
    raise ServiceError("Out of stock.", code="out_of_stock")


async def awrite_then_fail(*, data: dict[str, Any]) -> None:
    await Category.objects.acreate(name=data["name"])
    await Product.objects.acreate(name=data["name"])
    raise ServiceError("Out of stock.", code="out_of_stock")


def write(*, data: dict[str, Any]) -> int:
    return Product.objects.create(name=data["name"]).pk


async def awrite(*, data: dict[str, Any]) -> int:
    return (await Product.objects.acreate(name=data["name"])).pk


async def ano_database(*, data: dict[str, Any]) -> str:
    return data["name"]


def _in_block() -> bool:
    return connection.in_atomic_block


async def ain_block(*, data: dict[str, Any]) -> bool:
    return await sync_to_async(_in_block)()


SERVICES = pytest.mark.parametrize(
    "service", [write_then_fail, awrite_then_fail], ids=["sync", "async"]
)


def _rows() -> tuple[int, int]:
    return Category.objects.count(), Product.objects.count()


@SERVICES
def test_sync_view_rolls_back_when_the_service_raises(service: Any) -> None:
    with pytest.raises(APIException) as caught:
        run(ServiceSpec(service=service), {"data": {"name": "ink"}})
    assert (caught.value.status_code, caught.value.code) == (400, "out_of_stock")
    assert _rows() == (0, 0)


@SERVICES
async def test_async_view_rolls_back_when_the_service_raises(service: Any) -> None:
    with pytest.raises(APIException) as caught:
        await arun(ServiceSpec(service=service), {"data": {"name": "ink"}})
    assert (caught.value.status_code, caught.value.code) == (400, "out_of_stock")
    assert await sync_to_async(_rows)() == (0, 0)


@SERVICES
def test_sync_view_without_atomic_keeps_what_the_service_wrote(service: Any) -> None:
    with pytest.raises(APIException):
        run(ServiceSpec(service=service, atomic=False), {"data": {"name": "ink"}})
    assert _rows() == (1, 1)


@SERVICES
async def test_async_view_without_atomic_keeps_what_the_service_wrote(service: Any) -> None:
    with pytest.raises(APIException):
        await arun(ServiceSpec(service=service, atomic=False), {"data": {"name": "ink"}})
    assert await sync_to_async(_rows)() == (1, 1)


def test_sync_view_runs_an_async_service_inside_the_block() -> None:
    assert run(ServiceSpec(service=ain_block), {"data": {}}) is True
    assert run(ServiceSpec(service=ain_block, atomic=False), {"data": {}}) is False


@pytest.mark.parametrize("atomic", [True, False])
async def test_async_view_sync_service_takes_exactly_one_hop(atomic: bool) -> None:
    with count_hops() as hops:
        pk = await arun(ServiceSpec(service=write, atomic=atomic), {"data": {"name": "ink"}})
    assert len(hops) == 1
    assert await Product.objects.filter(pk=pk).aexists()


async def test_async_view_async_service_without_atomic_takes_no_hop_of_its_own() -> None:
    with count_hops() as hops:
        assert (
            await arun(ServiceSpec(service=ano_database, atomic=False), {"data": {"name": "x"}})
            == "x"
        )
    assert hops == []


async def test_async_view_atomic_async_service_hops_only_to_open_and_close_the_block() -> None:
    with count_hops() as hops:
        assert await arun(ServiceSpec(service=ano_database), {"data": {"name": "x"}}) == "x"
    assert [getattr(f, "__name__", "") for f in hops] == ["__enter__", "__exit__"]


async def test_async_view_atomic_async_service_runs_its_orm_calls_inside_the_block() -> None:
    with count_hops() as hops:
        assert await arun(ServiceSpec(service=ain_block), {"data": {}}) is True
    names = [getattr(f, "__name__", "") for f in hops]
    assert names == ["__enter__", "_in_block", "__exit__"]  # the body's own call, in the block
    assert await arun(ServiceSpec(service=ain_block, atomic=False), {"data": {}}) is False


async def test_async_view_atomic_async_service_commits_on_success() -> None:
    pk = await arun(ServiceSpec(service=awrite), {"data": {"name": "ink"}})
    assert await Product.objects.filter(pk=pk).aexists()
    assert await sync_to_async(_in_block)() is False


async def test_cancelling_an_atomic_async_service_mid_transaction_rolls_back() -> None:
    wrote, never = asyncio.Event(), asyncio.Event()

    async def write_then_wait(*, data: dict[str, Any]) -> None:
        await Product.objects.acreate(name=data["name"])
        wrote.set()
        await never.wait()

    task = asyncio.ensure_future(
        arun(ServiceSpec(service=write_then_wait), {"data": {"name": "ink"}})
    )
    await wrote.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await Product.objects.acount() == 0
    assert await sync_to_async(_in_block)() is False


async def _write_then_hang(*, data: dict[str, Any]) -> None:
    await Product.objects.acreate(name=data["name"])
    await asyncio.Event().wait()


async def test_async_view_timeout_is_a_504_and_rolls_back() -> None:
    spec = ServiceSpec(service=_write_then_hang, timeout=0.05)
    with pytest.raises(GatewayTimeout):
        await arun(spec, {"data": {"name": "ink"}})
    assert await Product.objects.acount() == 0


def test_sync_view_timeout_is_a_504_and_rolls_back() -> None:
    spec = ServiceSpec(service=_write_then_hang, timeout=0.05)
    with pytest.raises(GatewayTimeout):
        run(spec, {"data": {"name": "ink"}})
    assert Product.objects.count() == 0


async def test_cancelling_while_the_block_opens_still_closes_it() -> None:
    """Cancelled during the hop that opens the block: the block opens anyway, then is rolled back."""
    task = asyncio.ensure_future(arun(ServiceSpec(service=awrite), {"data": {"name": "ink"}}))
    await asyncio.sleep(0)  # the task now waits for the hop opening the block
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await sync_to_async(_in_block)() is False
    assert await Product.objects.acount() == 0


class _FailingBegin:
    """Makes the next ``times`` ``BEGIN`` on this thread's connection fail: no block can open.

    SQLite starts a transaction with ``BEGIN`` (PostgreSQL's driver does it itself).
    """

    def __init__(self, times: int = 1) -> None:
        self.times = times
        self.refused: list[str] = []
        self.wrapper: Any = None

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if sql == "BEGIN" and len(self.refused) < self.times:
            self.refused.append(sql)
            raise OperationalError("BEGIN failed (test)")
        return execute(sql, params, many, context)

    def install(self) -> None:
        self.wrapper = connection.execute_wrapper(self)
        self.wrapper.__enter__()

    def remove(self) -> None:
        self.wrapper.__exit__(None, None, None)


ON_SQLITE = pytest.mark.skipif(connection.vendor != "sqlite", reason="fails SQLite's BEGIN")


@ON_SQLITE
def test_sync_view_a_block_that_cannot_open_runs_no_query_of_the_service() -> None:
    failing = _FailingBegin()
    failing.install()
    try:
        with pytest.raises(OperationalError, match="BEGIN failed"):
            run(ServiceSpec(service=write), {"data": {"name": "ink"}})
    finally:
        failing.remove()
    assert failing.refused == ["BEGIN"]
    assert Product.objects.count() == 0


@ON_SQLITE
async def test_async_view_a_block_that_cannot_open_runs_no_query_of_the_service() -> None:
    """The body starts while the block opens; its queries queued behind a failed opening are refused."""
    failing = _FailingBegin(times=2)
    await sync_to_async(failing.install)()
    try:
        with pytest.raises(OperationalError, match="BEGIN failed"):
            await arun(ServiceSpec(service=awrite), {"data": {"name": "ink"}})
        with pytest.raises(OperationalError, match="BEGIN failed"):
            await arun(ServiceSpec(service=ano_database), {"data": {"name": "ink"}})
    finally:
        await sync_to_async(failing.remove)()
    assert failing.refused == ["BEGIN", "BEGIN"]
    assert await Product.objects.acount() == 0
    assert await sync_to_async(_in_block)() is False
    assert await arun(ServiceSpec(service=awrite), {"data": {"name": "ink"}})  # queries run again
