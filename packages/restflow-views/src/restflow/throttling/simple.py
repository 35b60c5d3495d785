"""``SimpleRateThrottle``: an atomic fixed-window rate limit on Django's cache."""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from django.core.cache.backends.base import BaseCache
from django.core.exceptions import ImproperlyConfigured
from rest_framework.settings import api_settings

from restflow.asynccache import (
    AsyncCache,
    async_cache,
    fixed_window,
    parse_rate,
    window_wait,
    wrap_cache,
)
from restflow.core import HookMode, acall_hook, async_twin, call, hook_mode, mark_loop_safe
from restflow.throttling.base import BaseThrottle

__all__ = ["SimpleRateThrottle"]


def rate_error(scope: str | None, owner: str, reason: str) -> ImproperlyConfigured:
    """The error for a bad or missing rate, naming the scope and where to fix it."""
    where = f"scope {scope!r}" if scope else f"{owner}.rate"
    return ImproperlyConfigured(
        f"Throttle rate for {where} ({owner}): {reason}. Rates read '<count>/<period>', "
        "e.g. REST_FRAMEWORK['DEFAULT_THROTTLE_RATES'] = {'anon': '100/hour'}."
    )


# The adapters of cache objects set as ``cache`` (they have no alias to be looked up by).
_WRAPPED: weakref.WeakKeyDictionary[BaseCache, AsyncCache] = weakref.WeakKeyDictionary()


def _wrapped(cache: BaseCache) -> AsyncCache:
    adapter = _WRAPPED.get(cache)
    if adapter is None:
        adapter = _WRAPPED[cache] = wrap_cache(cache)
    return adapter


class SimpleRateThrottle(BaseThrottle):
    """Limit requests per cache key to ``rate`` (``"10/min"``) in fixed windows.

    Subclasses implement ``get_cache_key(request, view)`` (``None``: do not
    throttle this request). The rate is the ``rate`` attribute or
    ``DEFAULT_THROTTLE_RATES[scope]``; a rate of ``None`` disables the throttle.

    Each request adds one to a counter keyed by (key, window number) with a
    single atomic cache increment, so concurrent requests are never lost and
    exactly ``count`` are admitted per window. ``cache_alias`` picks the
    cache (``caches[...]``); setting ``cache`` to a cache object also works.
    Counting goes through :mod:`restflow.asynccache`: on the async path
    (``aallow_request``) LocMem/Dummy caches are used on the event loop and a
    Redis alias (Django's ``RedisCache``, django-redis) through ``redis.asyncio``.
    """

    cache: ClassVar[BaseCache | None] = None
    cache_alias: ClassVar[str] = "default"
    timer: Callable[[], float] = time.time
    cache_format: ClassVar[str] = "throttle_%(scope)s_%(ident)s"
    scope: str | None = None
    rate: str | None = None
    #: ``None``: read DRF's ``DEFAULT_THROTTLE_RATES`` (reloaded with the settings).
    THROTTLE_RATES: ClassVar[Mapping[str, str | None] | None] = None

    num_requests: int | None
    duration: int | None
    now: float
    count: int

    def __init__(self) -> None:
        if not self.rate:
            self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        """The key identifying who is limited, or ``None`` to let the request through."""
        raise NotImplementedError(f"{type(self).__qualname__}.get_cache_key() must be overridden")

    def get_rate(self) -> str | None:
        """``DEFAULT_THROTTLE_RATES[scope]``; ``ImproperlyConfigured`` when missing."""
        owner = type(self).__qualname__
        if not self.scope:
            raise ImproperlyConfigured(f"{owner}: set either 'scope' or 'rate' on the throttle.")
        rates: Mapping[str, Any] = (
            self.THROTTLE_RATES
            if self.THROTTLE_RATES is not None
            else api_settings.DEFAULT_THROTTLE_RATES
        )
        try:
            return rates[self.scope]
        except KeyError:
            raise rate_error(
                self.scope, owner, "missing from REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']"
            ) from None

    def parse_rate(self, rate: str | None) -> tuple[int | None, int | None]:
        """``(num_requests, duration_seconds)``, ``(None, None)`` for no rate."""
        if rate is None:
            return None, None
        try:
            return parse_rate(rate)
        except ValueError as exc:
            raise rate_error(self.scope, type(self).__qualname__, str(exc)) from None

    def allow_request(self, request: Any, view: Any) -> bool:
        """Count this request and say whether it is within the rate."""
        if not self._applies(view):
            return True
        key = call(self.get_cache_key, request, view)  # bridges ``async def get_cache_key``
        if key is None:
            return True
        counter = self._counter()
        window_key, timeout = self._window(key)
        return self._admit(counter.hit(window_key, timeout))

    @async_twin
    async def aallow_request(self, request: Any, view: Any) -> bool:
        """Async twin of :meth:`allow_request` (no thread hop for in-process caches)."""
        if not self._applies(view):
            return True
        if hook_mode(self, "get_cache_key") is HookMode.LOOP:  # ours: no I/O, no coroutine
            key = self.get_cache_key(request, view)
        else:
            key = await acall_hook(self, "get_cache_key", request, view)
        if key is None:
            return True
        counter = self._counter()
        window_key, timeout = self._window(key)
        if counter.in_process:  # LocMem/Dummy: the sync hit does no I/O, spare a coroutine
            return self._admit(counter.hit(window_key, timeout))
        return self._admit(await counter.ahit(window_key, timeout))

    @mark_loop_safe
    def wait(self) -> float | None:
        """Seconds until the current window ends (after a refused request)."""
        duration = self.duration
        if duration is None or not hasattr(self, "now"):
            return None
        return window_wait(duration, self.now)

    # -- the I/O-free steps both paths share --------------------------------

    def _applies(self, view: Any) -> bool:
        """Whether this throttle limits requests to ``view`` at all (a rate is set)."""
        return self.num_requests is not None

    def _counter(self) -> AsyncCache:
        """The cache counting for this throttle: ``cache`` if set, else ``cache_alias``'s."""
        if self.cache is not None:
            return _wrapped(self.cache)
        return async_cache(self.cache_alias)

    def _window(self, key: str) -> tuple[str, int]:
        """The counter key of the current window and how long the counter must live."""
        duration: int = self.duration  # type: ignore[assignment]  # set when _applies
        self.now = self.timer()
        return fixed_window(key, duration, self.now)

    def _admit(self, count: int) -> bool:
        self.count = count
        return count <= self.num_requests  # type: ignore[operator]  # set when _applies
