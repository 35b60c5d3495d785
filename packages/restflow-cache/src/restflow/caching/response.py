"""``cache_response``: a response cache for DRF and restflow view handlers, sync and async.

The default key (:class:`DefaultResponseKeyConstructor`) holds what Django's own cache
middleware keys on and more: scheme, host and port, path, query string, the view's URL
kwargs, the user's identity, the negotiated renderer and media type, the active language
and time zone. A response for alice is never served to bob, JSON never as HTML, and a
request sent with another ``Host`` cannot plant its absolute URLs for everyone. The request
headers named by the response's ``Vary`` are keyed too (:mod:`restflow.caching.vary`);
``Vary: *`` is not cached. Only 2xx responses are cached unless ``cache_errors=True``. The
response carries a status header (``CACHE_SETTINGS.STATUS_HEADER``, default
``X-Cache-Status``) and, with ``timing_headers=True``, ``X-Cached-At`` and
``X-Cache-Reset-At``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.http import http_date

from restflow.caching.keys import (
    ContextKeyField,
    HostKeyField,
    KeyConstructor,
    KeyContext,
    QueryParamsKeyField,
    RequestValueKeyField,
    ViewKwargsKeyField,
)
from restflow.caching.runtime import UNSET, Ttl, with_call_arguments
from restflow.caching.settings import CACHE_SETTINGS
from restflow.caching.status import CacheStatus
from restflow.caching.stores import Entry
from restflow.caching.vary import Varied, VaryVariants, header_values, vary_headers
from restflow.caching.wrapper import CachedWrapper
from restflow.core import is_async_callable

__all__ = ["DefaultResponseKeyConstructor", "cache_response"]

Stored = tuple[bytes, int, list[tuple[str, str]], Varied | None]
"""A stored response: body, status, headers, and its ``Vary`` headers' values (``*``: None)."""
_SKIPPED_HEADERS = frozenset({"set-cookie", "content-length"})


def _time_zone() -> str | None:
    """The active time zone's name; without ``USE_TZ`` none (datetimes render naive then)."""
    return timezone.get_current_timezone_name() if settings.USE_TZ else None


class DefaultResponseKeyConstructor(KeyConstructor):
    """Where the request was sent, by whom, for which format, language and time zone.

    Scheme and host (port included: ``ALLOWED_HOSTS`` ignores it) because absolute URLs in
    a body (pagination links, hyperlinked fields) are built from them; path, query string
    and URL kwargs; the user's identity; the negotiated renderer and media type (they stand
    for ``Accept``); the active language and, with ``USE_TZ``, time zone (what
    ``LocaleMiddleware`` or a time zone middleware chose renders the body, and their ``Vary``
    is added after the view).
    """

    scheme = RequestValueKeyField("scheme", "scheme")
    host = HostKeyField()
    path = RequestValueKeyField("path", "path")
    query = QueryParamsKeyField("*")
    url = ViewKwargsKeyField("*")
    user = RequestValueKeyField("user", "user.pk")
    renderer = RequestValueKeyField("renderer", "accepted_renderer.format")
    media_type = RequestValueKeyField("media_type", "accepted_media_type")
    language = ContextKeyField("language", translation.get_language, restore=translation.override)
    time_zone = ContextKeyField("time_zone", _time_zone, restore=timezone.override)


def _keyed_headers(key_constructor: type[KeyConstructor]) -> frozenset[str]:
    """The ``Vary`` headers a response key holds already, so variants do not split on them.

    ``Accept``, when the key holds the negotiated media type: on a DRF view ``Accept`` acts
    only through content negotiation, whose outcome (``accepted_media_type``, version
    parameters included) is then in the key; keying the raw header would split entries per
    browser for nothing. ``Cookie`` and ``Authorization`` are *not* covered by the user's
    identity: anonymous clients all share it, other cookies and token scopes are not in it,
    and a custom key may leave the user out, so they are keyed by value when a response
    names them.
    """
    for field in key_constructor.key_fields.values():
        if isinstance(field, RequestValueKeyField) and field.attr_path == "accepted_media_type":
            return frozenset({"accept"})
    return frozenset()


def _store(response: Any, request: Any, keyed: frozenset[str]) -> Stored:
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    headers = [(k, v) for k, v in response.items() if k.lower() not in _SKIPPED_HEADERS]
    names = vary_headers(response, keyed)
    varied = None if names is None else header_values(request, names)
    return bytes(response.content), int(response.status_code), headers, varied


def _rebuild(stored: Stored) -> HttpResponse:
    # by index: entries of custom keys written before ``Vary`` was stored have three items
    response = HttpResponse(stored[0], status=stored[1])
    for name, value in stored[2]:
        response[name] = value
    return response


def _request_of(ctx: KeyContext) -> Any:
    return ctx.args[1]  # the handler's (view, request, *args)


def _on_responses(ttl: Callable[..., Any]) -> Callable[..., Any]:
    """A callable ``ttl`` given the rendered response rather than the stored form."""
    user_ttl = with_call_arguments(ttl)

    def on_response(stored: Stored, /, *args: Any, **kwargs: Any) -> Any:
        return user_ttl(_rebuild(stored), *args, **kwargs)

    return on_response


class _ResponseCache:
    def __init__(
        self,
        handler: Callable[..., Any],
        *,
        key_constructor: type[KeyConstructor],
        ttl: Ttl,
        stale_ttl: float | None,
        cache_alias: str | None,
        cache_errors: bool,
        timing_headers: bool,
        status_header: str | None,
        invalidates_on: Iterable[Any],
        cache_if: Callable[..., bool] | None = None,
        cache_unless: Callable[..., bool] | None = None,
    ) -> None:
        self.timing_headers = timing_headers
        self.status_header = status_header
        self._header = ""
        self._header_epoch = -1

        keyed = _keyed_headers(key_constructor)

        def cacheable(stored: Stored, *args: Any, **kwargs: Any) -> bool:
            if stored[3] is None or not (cache_errors or 200 <= stored[1] < 300):
                return False
            if cache_if is None and cache_unless is None:
                return True
            response = _rebuild(stored)
            if cache_if is not None and not cache_if(response, *args, **kwargs):
                return False
            return cache_unless is None or not cache_unless(response, *args, **kwargs)

        options: dict[str, Any] = {
            "key_constructor": key_constructor,
            "ttl": _on_responses(ttl) if callable(ttl) else ttl,
            "stale_ttl": stale_ttl,
            "cache_alias": cache_alias,
            "cache_if": cacheable,
            "invalidates_on": invalidates_on,
            "serves_responses": True,
            "variants": VaryVariants(_request_of),
        }

        if is_async_callable(handler):

            @functools.wraps(handler)
            async def produce(view: Any, request: Any, *args: Any, **kwargs: Any) -> Stored:
                response = await handler(view, request, *args, **kwargs)
                finalize = getattr(view, "afinalize_response", None)
                if finalize is not None:
                    response = await finalize(request, response, *args, **kwargs)
                else:
                    response = view.finalize_response(request, response, *args, **kwargs)
                return _store(response, request, keyed)

            self.wrapper = CachedWrapper(produce, **options)

            @functools.wraps(handler)
            async def aview(view: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
                found = await self.wrapper.alookup((view, request, *args), kwargs)
                return self._respond(found[0], found[1], found[3])

            self.view: Callable[..., Any] = aview
        else:

            @functools.wraps(handler)
            def produce_sync(view: Any, request: Any, *args: Any, **kwargs: Any) -> Stored:
                response = handler(view, request, *args, **kwargs)
                response = view.finalize_response(request, response, *args, **kwargs)
                return _store(response, request, keyed)

            self.wrapper = CachedWrapper(produce_sync, **options)

            @functools.wraps(handler)
            def view_sync(view: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
                found = self.wrapper.lookup((view, request, *args), kwargs)
                return self._respond(found[0], found[1], found[3])

            self.view = view_sync
        setattr(self.view, "cache", self.wrapper)  # noqa: B010 (a function attribute)

    def _respond(self, stored: Stored, status: CacheStatus, entry: Entry | None) -> HttpResponse:
        response = _rebuild(stored)
        response[self.status_header or self._default_header()] = status.value
        if self.timing_headers and entry is not None:
            response["X-Cached-At"] = http_date(entry[2])
            ttl = self.wrapper.runtime().ttl
            if isinstance(ttl, int | float):
                response["X-Cache-Reset-At"] = http_date(entry[2] + ttl)
        return response

    def _default_header(self) -> str:
        rt = self.wrapper.runtime()
        if self._header_epoch != rt.epoch:
            self._header = CACHE_SETTINGS.STATUS_HEADER
            self._header_epoch = rt.epoch
        return self._header


def cache_response(
    ttl: Ttl = UNSET,
    *,
    key_constructor: type[KeyConstructor] = DefaultResponseKeyConstructor,
    stale_ttl: float | None = None,
    cache_alias: str | None = None,
    cache_errors: bool = False,
    timing_headers: bool = False,
    status_header: str | None = None,
    invalidates_on: Iterable[Any] = (),
    cache_if: Callable[..., bool] | None = None,
    cache_unless: Callable[..., bool] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Cache a view handler's rendered response (``def get(self, request, …)``, sync or async).

    The handler's cache is reachable as ``View.get.cache`` (a :class:`CachedWrapper`), e.g.
    ``View.get.cache.invalidate_all()``. Key constructors for responses may use
    ``RequestValueKeyField``, ``QueryParamsKeyField``, ``ViewKwargsKeyField`` and
    ``ArgsKeyField`` on the URL kwargs.

    ``invalidates_on``: ``InvalidationRule`` objects run on model writes, as for ``cache_result``.
    Their ``field_mapping`` maps key fields to model fields and must name leading partition
    fields (``{"pk": "id"}`` with ``ViewKwargsKeyField("pk", partition=True)`` drops every
    cached response of that object); ``invalidate_all=True`` drops them all (list pages).

    ``cache_if`` / ``cache_unless`` (predicates) and a callable ``ttl`` are called as
    ``f(response, view, request, *args, **kwargs)`` with the handler's arguments; the
    response is the rendered one (an ``HttpResponse`` with its status, headers and body).
    Only a 2xx response is stored unless ``cache_errors``, whatever the predicates say.
    """

    def decorate(handler: Callable[..., Any]) -> Callable[..., Any]:
        return _ResponseCache(
            handler,
            key_constructor=key_constructor,
            ttl=ttl,
            stale_ttl=stale_ttl,
            cache_alias=cache_alias,
            cache_errors=cache_errors,
            timing_headers=timing_headers,
            status_header=status_header,
            invalidates_on=invalidates_on,
            cache_if=cache_if,
            cache_unless=cache_unless,
        ).view

    return decorate
