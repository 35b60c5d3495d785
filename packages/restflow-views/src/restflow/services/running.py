"""Run a spec's callable from a sync or an async view: mode, transaction, timeout, errors.

The callable decides the mode (restflow-core's fall-back rule, :func:`call`
/ :func:`acall`); the spec decides the transaction:

============  =============  ============================================================
view          callable       ``atomic=True``
============  =============  ============================================================
sync          sync           ``transaction.atomic()`` around the call, on the view's thread
sync          async          the same block; ``async_to_sync`` sends its ORM calls back to
                             that thread, so they run inside it
async         sync           one thread hop running the block and the call
async         async          the block is opened and closed on the request's database
                             thread (two hops); the body's ORM calls go to that thread
============  =============  ============================================================

The hop opening the block is queued (``restflow.core.queue_sync``) and the
body starts without waiting for it: that thread runs its calls in order, so
the body's first ORM call runs once the block is open. Should the opening
fail, that connection refuses every query until the failure is handled, so
nothing the body queued runs outside the block; the service then fails with
the opening's error. Where the hop cannot be queued at once (the request's
thread not made yet, ``RESTFLOW_FAST_PATHS=0``), the block is open before the
body starts.

An exception (a cancellation included: a client gone, a timeout) rolls the
block back before it propagates. A spec's ``breaker`` is asked before the
call and told its outcome after (:mod:`restflow.services.breaker`).
:class:`~restflow.services.ServiceError` becomes restflow's
:class:`~restflow.exceptions.APIException`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.transaction import TransactionManagementError

from restflow.core import acall, call, queue_sync, run_sync
from restflow.exceptions import APIException
from restflow.services.errors import ServiceError
from restflow.services.spec import SelectorSpec, ServiceSpec
from restflow.views.timeout import GatewayTimeout

__all__ = ["arun", "as_api_error", "run"]

Spec = ServiceSpec | SelectorSpec


def as_api_error(exc: ServiceError) -> APIException:
    """The envelope error for a service's error: its status, code, message and details."""
    return APIException(
        exc.message, code=exc.code, status_code=exc.status_code, details=exc.details
    )


def _atomic(spec: Spec) -> bool:
    return isinstance(spec, ServiceSpec) and spec.atomic


async def _abounded(spec: Spec, kwargs: dict[str, Any]) -> Any:
    """Await the async callable, within the spec's timeout (``GatewayTimeout`` past it)."""
    if spec.timeout is None:
        return await spec.target(**kwargs)
    try:
        async with asyncio.timeout(spec.timeout):
            return await spec.target(**kwargs)
    except TimeoutError:
        raise GatewayTimeout(details={"timeout": spec.timeout}) from None


def _call(spec: Spec, kwargs: dict[str, Any]) -> Any:
    if spec.is_async:
        return call(_abounded, spec, kwargs)
    return spec.target(**kwargs)


def _call_atomically(spec: ServiceSpec, kwargs: dict[str, Any]) -> Any:
    with transaction.atomic(using=spec.using):
        return _call(spec, kwargs)


def _run(spec: Spec, kwargs: dict[str, Any]) -> Any:
    if _atomic(spec):
        return _call_atomically(spec, kwargs)  # type: ignore[arg-type]
    return _call(spec, kwargs)


def run(spec: Spec, available: Mapping[str, Any]) -> Any:
    """Run the spec's callable from sync code with the names it declares out of ``available``."""
    kwargs = spec.injection.kwargs(available)
    breaker = spec.breaker
    token = None if breaker is None else breaker.before()
    try:
        result = _run(spec, kwargs)
    except BaseException as exc:
        if breaker is not None:
            breaker.after(token, exc)
        if isinstance(exc, ServiceError):
            raise as_api_error(exc) from exc
        raise
    if breaker is not None:
        breaker.after(token, None)
    return result


def _refuse(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
    raise TransactionManagementError(
        "The service's transaction could not be opened: no query runs outside it."
    )


class _Opening:
    """Opens ``block`` on the database thread; if that fails, refuses the connection's queries.

    The refusal stays until :meth:`lift` (the rollback path's hop): a body whose
    queries were queued behind a failed opening cannot run them outside the block.
    """

    __slots__ = ("block", "refusal", "using")

    def __init__(self, block: Any, using: str | None) -> None:
        self.block = block
        self.using = using or DEFAULT_DB_ALIAS
        self.refusal: Any = None

    def __enter__(self) -> None:
        try:
            self.block.__enter__()
        except BaseException:
            self.refusal = connections[self.using].execute_wrapper(_refuse)
            self.refusal.__enter__()
            raise

    def lift(self) -> None:
        if self.refusal is not None:
            self.refusal.__exit__(None, None, None)


async def _aatomic(spec: ServiceSpec, kwargs: dict[str, Any]) -> Any:
    """An async service in one transaction opened on the request's database thread."""
    block = transaction.atomic(using=spec.using)
    opening = _Opening(block, spec.using)
    # Queued now, ahead of every ORM call of the body on that thread: the body starts
    # while the block opens. Where the hop cannot be queued at once, the block is open
    # before the body starts (a task, so that a cancellation while the hop is under way
    # can still wait for the block to be open, and close it).
    queued = queue_sync(opening.__enter__)
    opened = queued or asyncio.ensure_future(run_sync(opening.__enter__))
    try:
        if queued is None:
            await asyncio.shield(opened)
        result = await _abounded(spec, kwargs)
        await opened  # done once the body has queried; else the open's outcome
    except BaseException as exc:
        # Shielded: a second cancellation must not leave the block open.
        failed = await asyncio.shield(_aroll_back(opened, opening, exc))
        if failed is not None and failed is not exc:
            raise failed from exc
        raise
    await run_sync(block.__exit__, None, None, None)
    return result


async def _aroll_back(
    opened: asyncio.Future[Any], opening: _Opening, exc: BaseException
) -> BaseException | None:
    """Close the block with ``exc`` (a rollback) once open; the opening's error if it failed."""
    try:
        await opened
    except BaseException as failed:
        await run_sync(opening.lift)
        return failed
    await run_sync(opening.block.__exit__, type(exc), exc, exc.__traceback__)
    return None


async def _arun(spec: Spec, kwargs: dict[str, Any]) -> Any:
    if spec.is_async:
        if _atomic(spec):
            return await _aatomic(spec, kwargs)  # type: ignore[arg-type]
        return await _abounded(spec, kwargs)
    if _atomic(spec):
        return await acall(_call_atomically, spec, kwargs)
    return await acall(spec.target, **kwargs)


async def arun(spec: Spec, available: Mapping[str, Any]) -> Any:
    """Run the spec's callable from async code; see the module's table for the hops."""
    kwargs = spec.injection.kwargs(available)
    breaker = spec.breaker
    token = None if breaker is None else await breaker.abefore()
    try:
        result = await _arun(spec, kwargs)
    except BaseException as exc:
        if breaker is not None:
            await breaker.aafter(token, exc)
        if isinstance(exc, ServiceError):
            raise as_api_error(exc) from exc
        raise
    if breaker is not None:
        await breaker.aafter(token, None)
    return result
