"""Login throttling: ``TokenObtainView`` limits attempts per client address and per username.

Two throttles, each a fixed-window counter on Django's cache
(``LOGIN_THROTTLE_CACHE_ALIAS``): ``LoginAddressThrottle`` (scope
``jwt_login_address``, default 20 per minute) and ``LoginUsernameThrottle``
(scope ``jwt_login_username``, default 5 per minute). Rates come from DRF's
``DEFAULT_THROTTLE_RATES`` when the scope is there (``None`` turns that limit
off), else the defaults; they are read by :func:`restflow.asynccache.parse_rate`.
An attempt counts with :meth:`restflow.asynccache.AsyncCache.hit`, atomic on
LocMem, Redis and Memcached, so concurrent attempts are never lost; the async
path counts on the event loop for LocMem, through ``redis.asyncio`` for Redis
and in one thread hop otherwise. An attempt one login throttle refuses never
reaches the password check, so the other login throttles only compare it with
their limit and do not count it: of concurrent attempts exactly the limit's worth
get through, however the counters' replies interleave. Keys hold a keyed digest
of the address or of the normalised username: bounded, free of client-chosen
characters and of the names themselves.
"""

from __future__ import annotations

import unicodedata
import weakref
from collections.abc import Mapping
from typing import Any, ClassVar, NamedTuple

from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.utils.crypto import salted_hmac
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from restflow.asynccache import AsyncCache, async_cache, fixed_window, parse_rate, window_wait
from restflow.authentication import _clock
from restflow.authentication.settings import jwt_settings
from restflow.core import mark_loop_safe

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
_DIGEST_SALT = "restflow.authentication.throttling"

_REFUSED_BY: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()
"""The scope of the login throttle that refused a request, for the others asked after it."""


def login_throttle_rate(scope: str, default: str | None) -> Any:
    """``DEFAULT_THROTTLE_RATES[scope]`` when the scope is there, else ``default``."""
    rates = api_settings.DEFAULT_THROTTLE_RATES or {}
    return rates.get(scope, default)  # a scope set to None stays None: that limit is off


def _digest(value: str) -> str:
    """A keyed digest of ``value``: fixed length, plain hex, not reversible to the value."""
    keyed = salted_hmac(_DIGEST_SALT, value.encode("utf-8", "surrogatepass"), algorithm="sha256")
    return keyed.hexdigest()[:32]


class _Attempt(NamedTuple):
    """Where an attempt counts: the cache, the counter of its window, the counter's lifetime,
    and whether it is only compared with the limit (another login throttle refused it)."""

    cache: AsyncCache
    key: str
    ttl: int
    refused: bool


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
        if step is None:
            return True
        if step.refused:
            return self._admit(request, step.cache.get(step.key, 0) + 1)
        return self._admit(request, step.cache.hit(step.key, step.ttl))

    async def aallow_request(self, request: Any, view: Any) -> bool:
        """Async twin of :meth:`allow_request`."""
        step = self._step(request)
        if step is None:
            return True
        if step.refused:
            return self._admit(request, await step.cache.aget(step.key, 0) + 1)
        return self._admit(request, await step.cache.ahit(step.key, step.ttl))

    @mark_loop_safe
    def wait(self) -> float | None:
        """Seconds until the current window ends (``Retry-After`` of the 429)."""
        if self.duration is None or self.now is None:
            return None
        return window_wait(self.duration, self.now)

    # -- the I/O-free steps both paths share ----------------------------------------

    def _step(self, request: Any) -> _Attempt | None:
        """Where this attempt counts, or ``None`` when it is not limited."""
        duration = self.duration
        if duration is None:
            return None
        value = self.get_ident_value(request)
        if value is None:
            return None
        now = self.now = _clock.now()
        key, ttl = fixed_window(f"{KEY_PREFIX}{self.scope}:{_digest(value)}", duration, now)
        refused = _REFUSED_BY.get(request, self.scope) != self.scope
        return _Attempt(async_cache(jwt_settings.LOGIN_THROTTLE_CACHE_ALIAS), key, ttl, refused)

    def _admit(self, request: Any, count: int) -> bool:
        """Whether the attempt numbered ``count`` is within the limit; a refusal is noted."""
        if count <= self.num_requests:  # type: ignore[operator]  # set with the duration
            return True
        _REFUSED_BY.setdefault(request, self.scope)
        return False


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
