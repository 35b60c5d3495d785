"""``cache_response``: a response cache for DRF and restflow view handlers, sync and async.

The default key (:class:`DefaultResponseKeyConstructor`) holds the request path, the query
string, the view's URL kwargs, the user's identity and the negotiated renderer and media
type, so a response for alice is never served to bob and JSON is never served as HTML.
Only 2xx responses are cached unless ``cache_errors=True``. The response carries a status
header (``CACHE_SETTINGS.STATUS_HEADER``, default ``X-Cache-Status``) and, with
``timing_headers=True``, ``X-Cached-At`` and ``X-Cache-Reset-At``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

from django.http import HttpResponse
from django.utils.http import http_date

from restflow.caching.keys import (
    KeyConstructor,
    QueryParamsKeyField,
    RequestValueKeyField,
    ViewKwargsKeyField,
)
from restflow.caching.status import CacheStatus
from restflow.caching.stores import Entry
from restflow.caching.wrapper import _UNSET, CachedWrapper, Ttl
from restflow.core.fallback import is_async_callable

__all__ = ["DefaultResponseKeyConstructor", "cache_response"]

Stored = tuple[bytes, int, list[tuple[str, str]]]
_SKIPPED_HEADERS = frozenset({"set-cookie", "content-length"})


class DefaultResponseKeyConstructor(KeyConstructor):
    """Path, query string, URL kwargs, user, negotiated renderer and media type."""

    path = RequestValueKeyField("path", "path")
    query = QueryParamsKeyField("*")
    url = ViewKwargsKeyField("*")
    user = RequestValueKeyField("user", "user.pk")
    renderer = RequestValueKeyField("renderer", "accepted_renderer.format")
    media_type = RequestValueKeyField("media_type", "accepted_media_type")


def _store(response: Any) -> Stored:
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    headers = [(k, v) for k, v in response.items() if k.lower() not in _SKIPPED_HEADERS]
    return bytes(response.content), int(response.status_code), headers


def _rebuild(stored: Stored) -> HttpResponse:
    content, status, headers = stored
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    return response


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
    ) -> None:
        self.timing_headers = timing_headers
        self.status_header = status_header
        self._header = ""
        self._header_epoch = -1

        def cacheable(stored: Stored, *args: Any, **kwargs: Any) -> bool:
            return cache_errors or 200 <= stored[1] < 300

        options: dict[str, Any] = {
            "key_constructor": key_constructor,
            "ttl": ttl,
            "stale_ttl": stale_ttl,
            "cache_alias": cache_alias,
            "cache_if": cacheable,
            "invalidates_on": invalidates_on,
            "serves_responses": True,
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
                return _store(response)

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
                return _store(response)

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
            from restflow.caching.settings import CACHE_SETTINGS

            self._header = CACHE_SETTINGS.STATUS_HEADER
            self._header_epoch = rt.epoch
        return self._header


def cache_response(
    ttl: Ttl = _UNSET,
    *,
    key_constructor: type[KeyConstructor] = DefaultResponseKeyConstructor,
    stale_ttl: float | None = None,
    cache_alias: str | None = None,
    cache_errors: bool = False,
    timing_headers: bool = False,
    status_header: str | None = None,
    invalidates_on: Iterable[Any] = (),
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
        ).view

    return decorate
