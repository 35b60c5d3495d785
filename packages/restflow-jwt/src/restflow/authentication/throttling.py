"""Login throttling: ``TokenObtainView`` limits attempts per client address and per username.

Two throttles, each a fixed-window counter on Django's cache
(``LOGIN_THROTTLE_CACHE_ALIAS``): ``LoginAddressThrottle`` (scope
``jwt_login_address``, default 20 per minute) and ``LoginUsernameThrottle``
(scope ``jwt_login_username``, default 5 per minute). Rates come from DRF's
``DEFAULT_THROTTLE_RATES`` when the scope is there (``None`` turns that limit
off), else the defaults. An attempt counts with the cache's ``add`` then
``incr``, atomic on LocMem, Redis and Memcached, so concurrent attempts are
never lost. The async path awaits a backend's native ``aadd``/``aincr``; where
``aincr`` is Django's generic get-then-set (Django's own Redis and Memcached
backends) it runs the sync ``add``/``incr`` in one thread hop, and a LocMem
cache is used on the loop. Keys hold a keyed digest of the address or of the normalised
username: bounded, free of client-chosen characters and of the names
themselves.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping
from typing import Any, ClassVar

from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.exceptions import ImproperlyConfigured
from django.utils.crypto import salted_hmac
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from restflow.authentication import _clock
from restflow.authentication.blacklist.cache import is_local_memory_cache
from restflow.authentication.settings import jwt_settings
from restflow.core import mark_loop_safe, run_sync

__all__ = [
    "ADDRESS_SCOPE",
    "KEY_PREFIX",
    "LOGIN_THROTTLES",
    "USERNAME_SCOPE",
    "DefaultThrottlesAndLogin",
    "LoginAddressThrottle",
    "LoginThrottle",
    "LoginUsernameThrottle",
    "login_throttle_rate",
    "login_throttling_enabled",
    "normalise_username",
    "parse_rate",
]

ADDRESS_SCOPE = "jwt_login_address"
USERNAME_SCOPE = "jwt_login_username"
KEY_PREFIX = "restflow:jwt:login:"
_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_DIGEST_SALT = "restflow.authentication.throttling"


def parse_rate(rate: Any) -> tuple[int, int]:
    """``(attempts, seconds)`` for DRF's ``"<count>/<period>"`` (period s, m, h or d).

    Raises ``ValueError`` naming the problem.
    """
    count, slash, period = rate.partition("/") if isinstance(rate, str) else ("", "", "")
    seconds = _PERIODS.get(period.strip()[:1].lower())
    if not slash or not count.strip().isdigit() or seconds is None:
        raise ValueError(f"{rate!r} is not '<count>/<period>' with period s, m, h or d ('5/min')")
    return int(count), seconds


def login_throttle_rate(scope: str, default: str | None) -> Any:
    """``DEFAULT_THROTTLE_RATES[scope]`` when the scope is there, else ``default``."""
    rates = api_settings.DEFAULT_THROTTLE_RATES or {}
    return rates.get(scope, default)  # a scope set to None stays None: that limit is off


def _digest(value: str) -> str:
    """A keyed digest of ``value``: fixed length, plain hex, not reversible to the value."""
    keyed = salted_hmac(_DIGEST_SALT, value.encode("utf-8", "surrogatepass"), algorithm="sha256")
    return keyed.hexdigest()[:32]


def _hit(cache: Any, key: str, ttl: int) -> int:
    cache.add(key, 0, ttl)
    try:
        return int(cache.incr(key))
    except ValueError:  # nothing kept (DummyCache), or evicted at once: the first attempt
        return 1


async def _ahit(cache: Any, key: str, ttl: int) -> int:
    if is_local_memory_cache(cache):  # no I/O: Django's aadd/aincr would hop to a thread
        return _hit(cache, key, ttl)
    if type(cache).aincr is BaseCache.aincr:
        # Django's generic aincr is a get then a set: not atomic (and it resets the TTL).
        # Count with the backend's own incr instead, in one thread hop.
        return await run_sync(_hit, cache, key, ttl)
    await cache.aadd(key, 0, ttl)
    try:
        return int(await cache.aincr(key))
    except ValueError:
        return 1


class LoginThrottle(BaseThrottle):
    """A fixed-window limit on login attempts per :meth:`get_ident_value` (DRF's throttle API).

    Subclasses set ``scope`` and ``default_rate`` and implement
    :meth:`get_ident_value`. ``allow_request`` and ``aallow_request`` share
    every step but the cache call.
    """

    scope: ClassVar[str] = ""
    default_rate: ClassVar[str | None] = None

    def __init__(self) -> None:
        self.rate = login_throttle_rate(self.scope, self.default_rate)
        self.num_requests: int | None = None
        self.duration: int | None = None
        if self.rate is not None:
            try:
                self.num_requests, self.duration = parse_rate(self.rate)
            except ValueError as exc:
                raise ImproperlyConfigured(
                    f"REST_FRAMEWORK['DEFAULT_THROTTLE_RATES'][{self.scope!r}]: {exc}"
                ) from None
        self.now: float | None = None

    def get_ident_value(self, request: Any) -> str | None:
        """What is limited (an address, a username), or ``None`` to let the request through."""
        raise NotImplementedError(f"{type(self).__qualname__}.get_ident_value() must be overridden")

    def allow_request(self, request: Any, view: Any) -> bool:
        """Count this attempt; ``False`` once the window's limit is passed."""
        step = self._step(request)
        return True if step is None else self._admit(_hit(*step))

    async def aallow_request(self, request: Any, view: Any) -> bool:
        """Async twin of :meth:`allow_request`."""
        step = self._step(request)
        return True if step is None else self._admit(await _ahit(*step))

    @mark_loop_safe
    def wait(self) -> float | None:
        """Seconds until the current window ends (``Retry-After`` of the 429)."""
        if self.duration is None or self.now is None:
            return None
        return self.duration - (self.now % self.duration)

    # -- the I/O-free steps both paths share ----------------------------------------

    def _step(self, request: Any) -> tuple[Any, str, int] | None:
        """``(cache, counter key, ttl)`` for this attempt, or ``None`` when not limited."""
        duration = self.duration
        if duration is None:
            return None
        value = self.get_ident_value(request)
        if value is None:
            return None
        now = self.now = _clock.now()
        window = int(now // duration)
        ttl = math.ceil((window + 1) * duration - now) + 1  # outlives its window by a second
        key = f"{KEY_PREFIX}{self.scope}:{_digest(value)}:{window}"
        return caches[jwt_settings.LOGIN_THROTTLE_CACHE_ALIAS], key, ttl

    def _admit(self, count: int) -> bool:
        return count <= self.num_requests  # type: ignore[operator]  # set with the duration


class LoginAddressThrottle(LoginThrottle):
    """Login attempts per client address (DRF's ``get_ident``: mind ``NUM_PROXIES``)."""

    scope = ADDRESS_SCOPE
    default_rate = "20/min"

    def get_ident_value(self, request: Any) -> str | None:
        """The client's address as DRF identifies it."""
        return str(self.get_ident(request))


def normalise_username(value: str) -> str:
    """NFKC, trimmed and case-folded: spellings of one name share a counter."""
    return unicodedata.normalize("NFKC", value).strip().casefold()


class LoginUsernameThrottle(LoginThrottle):
    """Login attempts per username (the user model's ``USERNAME_FIELD`` in the body)."""

    scope = USERNAME_SCOPE
    default_rate = "5/min"

    def get_ident_value(self, request: Any) -> str | None:
        """The normalised username sent, ``None`` when there is none to count."""
        data = request.data
        if not isinstance(data, Mapping):
            return None  # the view refuses the body with a 400
        value = data.get(get_user_model().USERNAME_FIELD)
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            return None
        return normalise_username(str(value))


LOGIN_THROTTLES: tuple[type[LoginThrottle], ...] = (LoginAddressThrottle, LoginUsernameThrottle)


def login_throttling_enabled() -> bool:
    """Whether any login throttle has a rate (``None`` for both scopes turns them off)."""
    return any(login_throttle_rate(cls.scope, cls.default_rate) for cls in LOGIN_THROTTLES)


class DefaultThrottlesAndLogin:
    """``TokenObtainView.throttle_classes``: ``DEFAULT_THROTTLE_CLASSES``, then the login throttles.

    Read on each access, so settings changes apply. A subclass attribute or
    ``as_view(throttle_classes=[...])`` replaces the whole list.
    """

    def __get__(self, instance: Any, owner: Any = None) -> list[Any]:
        defaults: list[Any] = list(api_settings.DEFAULT_THROTTLE_CLASSES)
        return [*defaults, *(cls for cls in LOGIN_THROTTLES if cls not in defaults)]
