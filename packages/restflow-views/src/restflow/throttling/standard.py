"""DRF's three rate throttles on restflow's atomic counter: anonymous, user and scoped."""

from __future__ import annotations

from typing import Any, ClassVar

from restflow.core import mark_loop_safe
from restflow.throttling.simple import SimpleRateThrottle

__all__ = ["AnonRateThrottle", "ScopedRateThrottle", "UserRateThrottle"]


def _user_or_address(throttle: SimpleRateThrottle, request: Any) -> Any:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user.pk
    return throttle.get_ident(request)


class AnonRateThrottle(SimpleRateThrottle):
    """Limit anonymous requests per client address (scope ``"anon"``); users pass freely."""

    scope = "anon"

    @mark_loop_safe
    def get_cache_key(self, request: Any, view: Any) -> str | None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class UserRateThrottle(SimpleRateThrottle):
    """Limit requests per user id, or per client address when anonymous (scope ``"user"``)."""

    scope = "user"

    @mark_loop_safe
    def get_cache_key(self, request: Any, view: Any) -> str | None:
        ident = _user_or_address(self, request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class ScopedRateThrottle(SimpleRateThrottle):
    """Limit per user (or address) and per ``view.throttle_scope``, at that scope's rate.

    Views without a ``throttle_scope`` are not limited. The scope and rate
    are read from the view on each request, on the sync and async paths alike.
    """

    scope_attr: ClassVar[str] = "throttle_scope"

    def __init__(self) -> None:
        # the scope, hence the rate, is only known once the view calls in
        self.num_requests = self.duration = None

    def _applies(self, view: Any) -> bool:
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return False
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return self.num_requests is not None

    @mark_loop_safe
    def get_cache_key(self, request: Any, view: Any) -> str | None:
        ident = _user_or_address(self, request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
