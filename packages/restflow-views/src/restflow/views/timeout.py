"""The per-view ``timeout``: an async handler that overruns it becomes a 504 envelope."""

from __future__ import annotations

import asyncio
import functools
import inspect
import math
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import status

from restflow.core import HookMode, hook_mode
from restflow.exceptions import ErrorCode, ServiceUnavailable

__all__ = ["GatewayTimeout", "TimeoutMixin"]

_ACTION_NAMES = ("list", "create", "retrieve", "update", "partial_update", "destroy")


class GatewayTimeout(ServiceUnavailable):
    """504 ``timeout``: the handler did not finish within the view's ``timeout``.

    Still a :class:`~restflow.exceptions.ServiceUnavailable` subclass, so code that
    catches that keeps catching a timeout; only the envelope's code is its own.
    """

    code = ErrorCode.TIMEOUT
    status_code = status.HTTP_504_GATEWAY_TIMEOUT  # type: ignore[assignment]
    default_detail = _("The request took too long to process.")


def _render_on_the_loop(view: Any) -> None:
    """Have the 504 rendered on the event loop, not in the request's sync thread.

    That thread may still run the call the handler was blocked in. The negotiated
    renderer stays when it is loop-safe (``JSONRenderer``); otherwise (the browsable
    API, a template renderer) the view's first loop-safe renderer takes over. A view
    without one keeps its renderer, which then waits for the thread.
    """
    request: Any = getattr(view, "request", None)
    renderer = getattr(request, "accepted_renderer", None)
    if renderer is None or hook_mode(renderer, "render") is HookMode.LOOP:
        return
    for candidate in view.get_renderers():
        if hook_mode(candidate, "render") is HookMode.LOOP:
            request.accepted_renderer = candidate
            request.accepted_media_type = candidate.media_type
            return


def _with_timeout(handler: Callable[..., Any], seconds: float) -> Callable[..., Any]:
    @functools.wraps(handler)
    async def timed(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return await asyncio.wait_for(handler(self, *args, **kwargs), seconds)
        except TimeoutError:
            _render_on_the_loop(self)
            raise GatewayTimeout(details={"timeout": seconds}) from None

    timed.__restflow_untimed__ = handler  # type: ignore[attr-defined]
    return timed


def _check(cls: type, value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise TypeError(
            f"{cls.__qualname__}.timeout must be a positive number of seconds or None, "
            f"not {value!r}"
        )
    if math.isinf(value):
        return None
    return float(value)


class TimeoutMixin:
    """Declare ``timeout = <seconds>`` on an async view to bound its handlers.

    Each handler (HTTP methods, viewset actions, ``@action`` methods) is wrapped once,
    at class creation. At the deadline the handler is cancelled and the view answers
    504 with the ``timeout`` envelope (``details.timeout`` = the limit),
    rendered on the event loop. Authentication, permission and throttle checks are
    not counted.

    A call the handler awaits in a thread (``sync_to_async``, the async ORM,
    ``run_sync``) is not interrupted: it runs to its end and its outcome is dropped.
    When it runs in the request's sync thread (``thread_sensitive=True``), whatever
    else needs that thread waits for it: with a ``MiddlewareMixin`` middleware that
    has ``process_response`` (Django's default list) or any sync-only middleware,
    the 504 leaves only when the call returns. Without such middleware, or with the
    call off that thread (``thread_sensitive=False``, an async client), it leaves at
    the deadline. See "Per-view timeout" in docs/streaming.md.
    """

    timeout: float | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        seconds = _check(cls, cls.__dict__.get("timeout", cls.timeout))
        names = set(getattr(cls, "http_method_names", ())) | set(_ACTION_NAMES)
        names |= {n for n in dir(cls) if hasattr(getattr(cls, n, None), "mapping")}
        for name in names:
            handler = getattr(cls, name, None)
            if handler is None or not callable(handler) or name == "options":
                continue
            original = getattr(handler, "__restflow_untimed__", handler)
            if not inspect.iscoroutinefunction(original):
                continue
            if seconds is None:
                if original is not handler:
                    setattr(cls, name, original)
            elif getattr(handler, "__restflow_timeout__", None) != seconds:
                timed = _with_timeout(original, seconds)
                timed.__restflow_timeout__ = seconds  # type: ignore[attr-defined]
                setattr(cls, name, timed)
