"""``CircuitBreaker``: stop calling a failing dependency for a while, in every worker at once.

Its state lives in a Django cache (through :func:`restflow.asynccache.async_cache`),
so all processes sharing the cache share it:

- closed: calls go through; failures are counted in a fixed window
  (``hit``, atomic); ``failures`` of them within ``window`` seconds open it;
- open: calls are refused at once with a 503 ``service_unavailable`` and
  ``Retry-After`` (the seconds left), without running the service;
- after ``reset_after`` seconds it is half-open: one call, in all workers
  together, is let through as a trial (claimed with the cache's atomic ``add``;
  the others keep getting the 503, ``Retry-After: 1``). The trial's success
  closes it (``delete_if_equal``, so a worker that re-opened it meanwhile keeps
  it open), its failure opens it again at once; a trial that is cancelled (or
  whose worker dies) frees the claim, at the latest ``reset_after`` seconds on.

A failure is an exception other than :class:`~restflow.services.ServiceError`
and a client error (4xx): a business rule that refused is an answer, not an
outage; a timeout (504) is a failure. Each step is written once as a
generator of cache calls (:meth:`CircuitBreaker._before`, ...), driven by
plain calls on the sync path and by the cache's ``a``-twins on the async one.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import DEFAULT_CACHE_ALIAS

from restflow.asynccache import AsyncCache, async_cache
from restflow.exceptions import ServiceUnavailable
from restflow.services.errors import ServiceError
from restflow.views._steps import Call
from restflow.views._steps import arun as adrive
from restflow.views._steps import run as drive

__all__ = ["CircuitBreaker", "CircuitOpen"]

_PREFIX = "restflow:circuit:"


class CircuitOpen(ServiceUnavailable):
    """503 ``service_unavailable`` with ``Retry-After``: the breaker is open."""


def _positive(value: object, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise TypeError(f"CircuitBreaker({name}={value!r}): a positive number.")


@dataclass(frozen=True)
class CircuitBreaker:
    """A breaker named ``name`` (its cache keys), shared by every spec and worker using it."""

    name: str
    failures: int = 5
    window: int = 60
    reset_after: float = 30.0
    cache: str = DEFAULT_CACHE_ALIAS
    clock: Callable[[], float] = field(default=time.time, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise TypeError(f"CircuitBreaker(name={self.name!r}): a non-empty string.")
        if type(self.failures) is not int or self.failures < 1:
            raise TypeError(f"CircuitBreaker(failures={self.failures!r}): an int of at least 1.")
        if type(self.window) is not int or self.window < 1:
            raise TypeError(f"CircuitBreaker(window={self.window!r}): whole seconds, at least 1.")
        _positive(self.reset_after, "reset_after")

    @property
    def _open_key(self) -> str:
        return f"{_PREFIX}{self.name}:open"

    @property
    def _trial_key(self) -> str:
        return f"{_PREFIX}{self.name}:trial"

    @property
    def _count_key(self) -> str:
        return f"{_PREFIX}{self.name}:failures"

    def _store(self) -> AsyncCache:
        return async_cache(self.cache)

    # -- the steps, written once -----------------------------------------------------

    def _before(self) -> Generator[Call, Any, float | None]:
        """Refuse while open; return the ``until`` of a half-open breaker (else ``None``)."""
        until = yield self._store(), "get", (self._open_key,), {}
        if until is None:
            return None
        left = float(until) - self.clock()
        if left > 0:
            raise CircuitOpen(wait=left, details={"retry_after_seconds": math.ceil(left)})
        trial = (self._trial_key, until, math.ceil(self.reset_after))
        claimed = yield self._store(), "add", trial, {}
        if not claimed:  # another call is the trial
            raise CircuitOpen(wait=1, details={"retry_after_seconds": 1})
        return float(until)

    def _failed(self, half_open: float | None) -> Generator[Call, Any, None]:
        store = self._store()
        if half_open is None:
            count = yield store, "hit", (self._count_key, self.window), {}
            if count < self.failures:
                return
        until = self.clock() + self.reset_after
        # kept past ``until`` so a half-open breaker remembers it was open
        timeout = math.ceil(self.reset_after) + self.window
        yield store, "set", (self._open_key, until, timeout), {}
        yield store, "delete", (self._count_key,), {}
        yield from self._released(half_open)

    def _succeeded(self, half_open: float | None) -> Generator[Call, Any, None]:
        if half_open is not None:
            yield self._store(), "delete_if_equal", (self._open_key, half_open), {}
            yield from self._released(half_open)

    def _released(self, half_open: float | None) -> Generator[Call, Any, None]:
        """Free the trial claim (a half-open call only)."""
        if half_open is not None:
            yield self._store(), "delete", (self._trial_key,), {}

    def _outcome(
        self, token: float | None, exc: BaseException | None
    ) -> Generator[Call, Any, None]:
        if counts_as_failure(exc):
            return self._failed(token)
        if exc is None or isinstance(exc, Exception):  # an answer: the dependency is up
            return self._succeeded(token)
        return self._released(token)  # cancelled: no verdict

    # -- sync and async drivers ------------------------------------------------------

    def before(self) -> float | None:
        """Raise :class:`CircuitOpen` while open; the token for :meth:`after`."""
        result: float | None = drive(self._before())
        return result

    async def abefore(self) -> float | None:
        """Async twin of :meth:`before`."""
        result: float | None = await adrive(self._before())
        return result

    def after(self, token: float | None, exc: BaseException | None) -> None:
        """Record the outcome of a call that :meth:`before` let through."""
        drive(self._outcome(token, exc))

    async def aafter(self, token: float | None, exc: BaseException | None) -> None:
        """Async twin of :meth:`after`."""
        await adrive(self._outcome(token, exc))


def counts_as_failure(exc: BaseException | None) -> bool:
    """An outage: not a business error, not a client error, not a cancellation."""
    if exc is None or isinstance(exc, ServiceError) or not isinstance(exc, Exception):
        return False
    status = getattr(exc, "status_code", None)
    return not (isinstance(status, int) and 400 <= status < 500)
