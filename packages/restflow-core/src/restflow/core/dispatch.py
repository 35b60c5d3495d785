"""The async dispatch loop: DRF's ``APIView.dispatch``, step for step, on the event loop."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any, ClassVar

from asgiref.sync import markcoroutinefunction, sync_to_async
from django.core.exceptions import ImproperlyConfigured, SynchronousOnlyOperation
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.template.response import SimpleTemplateResponse
from rest_framework import exceptions, status
from rest_framework.request import ForcedAuthentication, Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from restflow.core import _drf, _fastpaths
from restflow.core._negotiation import negotiate
from restflow.core.cycles import release_on_close
from restflow.core.fallback import (
    HookMode,
    acall,
    acall_hook,
    afirst_hook,
    hook_mode,
    reaches_async,
)
from restflow.parsers import ParsersMixin

__all__ = ["AsyncAPIView", "BaseAsyncAPIView"]


_OWN_THROTTLING: dict[type, bool] = {}


def _own_throttling(cls: type) -> bool:
    """Whether ``cls`` changes how throttles are found or checked (then always ask them)."""
    own = _OWN_THROTTLING.get(cls)
    if own is None:
        own = _OWN_THROTTLING[cls] = (
            cls.acheck_throttles is not BaseAsyncAPIView.acheck_throttles  # type: ignore[attr-defined]
            or cls.get_throttles is not APIView.get_throttles  # type: ignore[attr-defined]
        )
    return own


def _is_set(result: Any) -> bool:
    return result is not None


def _is_denied(result: Any) -> bool:
    return not result


def _method_of(drf_request: Request, request: HttpRequest) -> str:
    """The handler name: DRF's ``request.method``, read without its proxy for a plain ``Request``.

    A plain ``Request`` has no method of its own unless one was set on it (as
    DRF's ``clone_request`` does); otherwise it is the Django request's.
    """
    if type(drf_request) is Request:
        method = drf_request.__dict__.get("method") or request.method
    else:
        method = drf_request.method
    return method.lower() if method else ""


def _record_authentication(request: Request, found: tuple[Any, Any] | None) -> None:
    """Have DRF's ``Request`` record what the loop found: ``user``, ``auth``, the authenticator.

    DRF has no setter for ``successful_authenticator``: its ``Request`` records
    it while authenticating, on the first read of ``request.user``. That read
    happens here, with the authenticators narrowed to the one that answered --
    now answering at once what it answered on the loop -- or to none, which
    records an anonymous request.
    """
    authenticators = request.authenticators
    replay: Any = None
    if found is not None:
        replay, answer = found
        try:
            vars(replay)["authenticate"] = lambda _request: answer
        except TypeError:  # no instance dict: stand in for it
            replay = ForcedAuthentication(*answer)
    request.authenticators = () if replay is None else (replay,)
    try:
        request.user  # noqa: B018 (DRF's Request authenticates on this read)
    finally:
        request.authenticators = authenticators
        if replay is not None:
            vars(replay).pop("authenticate", None)


class _Rendered:
    """What calling the render marker gives: awaited (by Django), the response; else nothing."""

    def __init__(self, response: HttpResponseBase) -> None:
        self.response = response

    def __await__(self) -> Generator[Any, None, HttpResponseBase]:
        yield from ()  # a generator: awaitable, and nothing is lost when nobody awaits it
        return self.response


class _RenderedOnLoop:
    """Stands in for ``response.render`` once the loop has rendered the response.

    Django's ASGI handler awaits ``render`` when it is a coroutine function and
    otherwise pays a thread hop to call it; this marker lets it await instead.
    Calling it removes it, so the response's own ``render`` is back afterwards,
    and gives an awaitable that need not be awaited: code calling
    ``response.render()`` the usual way (a test with a request factory) leaves
    nothing behind.
    """

    def __init__(self, response: HttpResponseBase) -> None:
        self.response = response
        markcoroutinefunction(self)

    def __call__(self) -> _Rendered:
        self.response.__dict__.pop("render", None)
        return _Rendered(self.response)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_RenderedOnLoop, (self.response,))


class BaseAsyncAPIView(ParsersMixin, APIView):
    """DRF's ``APIView`` with an async dispatch loop: the view class of restflow-core.

    Applications import ``AsyncAPIView`` from ``restflow.views`` (this loop plus
    restflow-views' helpers); ``BaseAsyncAPIView`` is for code that has only
    restflow-core, such as restflow-jwt's token views.

    Handlers (``get``, ``post``, …) are ``async def``. Sync DRF authentication,
    permission, throttle and renderer classes work unchanged through the
    fall-back contract; native async ones (``aauthenticate``,
    ``ahas_permission``, ``aallow_request``, …) are awaited on the loop.
    Authentication runs eagerly, before the handler. DRF's ``JSONParser`` is
    replaced by :class:`restflow.parsers.JSONParser` (a too deeply nested body
    is a 400).
    """

    view_is_async: ClassVar[bool] = True  # type: ignore[misc]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _drf.install()  # DRF's I/O-free hooks on the loop, also without the app installed

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Any:
        """Return the ASGI-ready view function; sync handlers are refused here."""
        cls._check_handlers_are_async()
        view = super().as_view(**initkwargs)
        # DRF wraps the view in csrf_exempt, which for a coroutine function adds a
        # wrapper coroutine per request; the flag on the view itself is what
        # CsrfViewMiddleware reads, so keep the flag and drop the extra frame.
        inner = getattr(view, "__wrapped__", None)
        if inner is not None and getattr(view, "csrf_exempt", False):
            inner.csrf_exempt = True
            return inner
        return view

    @classmethod
    def _check_handlers_are_async(cls) -> None:
        for method in cls.http_method_names:
            handler = getattr(cls, method, None)
            if handler is not None and not reaches_async(handler):
                raise ImproperlyConfigured(
                    f"{cls.__module__}.{cls.__qualname__}.{method} is a sync method on an async "
                    f"view: declare it 'async def {method}(self, request, ...)', or subclass "
                    "DRF's APIView for a sync view."
                )

    # -- the loop -------------------------------------------------------------

    async def dispatch(  # type: ignore[override]
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        """Run one request: initialise, check, call the handler, finalise, render."""
        self.args = args
        self.kwargs = kwargs
        drf_request = self.initialize_request(request, *args, **kwargs)
        self.request = drf_request
        self.headers = self.default_response_headers

        try:
            await self.ainitial(drf_request, *args, **kwargs)
            method = _method_of(drf_request, request)
            if method in self.http_method_names:
                handler = getattr(self, method, self.http_method_not_allowed)
            else:
                handler = self.http_method_not_allowed
            result = handler(drf_request, *args, **kwargs)
            response: HttpResponseBase = (
                result if isinstance(result, HttpResponseBase) else await result
            )
        except Exception as exc:
            response = await self.ahandle_exception(exc)

        final = await self.afinalize_response(drf_request, response, *args, **kwargs)
        self.response = final  # type: ignore[assignment]
        release_on_close(self, drf_request, final)
        if not isinstance(request, ASGIRequest):  # Django's WSGI handler renders in a thread
            return final
        return await self.arender_response(drf_request, final)

    async def ainitial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        """Negotiate, version, then authenticate, check permissions and throttles."""
        self.format_kwarg = self.get_format_suffix(**kwargs)
        request.accepted_renderer, request.accepted_media_type = negotiate(self, request)
        version, scheme = self.determine_version(request, *args, **kwargs)
        request.version, request.versioning_scheme = version, scheme

        await self.aperform_authentication(request)
        await self.acheck_permissions(request)
        if self.throttle_classes or _own_throttling(type(self)):  # else there is nothing to ask
            await self.acheck_throttles(request)

    async def aperform_authentication(self, request: Request) -> None:
        """Authenticate now, so the lazy ``request.user`` never queries on the loop."""
        record = _fastpaths.record_authentication if _fastpaths.AUTH else _record_authentication
        found = None
        try:
            if request.authenticators:
                found = await afirst_hook(
                    request.authenticators, "authenticate", request, until=_is_set
                )
        except exceptions.APIException:
            record(request, None)
            raise
        record(request, found)

    async def acheck_permissions(self, request: Request) -> None:
        """Raise ``PermissionDenied``/``NotAuthenticated`` at the first refusing permission."""
        denied = await afirst_hook(
            self.get_permissions(), "has_permission", request, self, until=_is_denied
        )
        if denied is not None:
            self._deny(request, denied[0])

    async def acheck_object_permissions(self, request: Request, obj: Any) -> None:
        """Async twin of ``check_object_permissions``; generic views call it from ``aget_object``."""
        denied = await afirst_hook(
            self.get_permissions(), "has_object_permission", request, self, obj, until=_is_denied
        )
        if denied is not None:
            self._deny(request, denied[0])

    def _deny(self, request: Request, permission: object) -> None:
        self.permission_denied(
            request,
            message=getattr(permission, "message", None),
            code=getattr(permission, "code", None),
        )

    async def acheck_throttles(self, request: Request) -> None:
        """Ask every throttle (all of them, like DRF) and raise ``Throttled`` with the longest wait."""
        durations: list[float | None] = []
        for throttle in self.get_throttles():
            if not await acall_hook(throttle, "allow_request", request, self):
                durations.append(await acall_hook(throttle, "wait"))
        if durations:
            known = [duration for duration in durations if duration is not None]
            self.throttled(request, max(known, default=None))  # type: ignore[arg-type]

    async def ahandle_exception(self, exc: Exception) -> Response:
        """Turn ``exc`` into a response with the configured handler, or re-raise it."""
        if isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
            auth_header = self.get_authenticate_header(self.request)
            if auth_header:
                exc.auth_header = auth_header  # type: ignore[union-attr]
            else:
                exc.status_code = status.HTTP_403_FORBIDDEN

        handler = self.get_exception_handler()
        context = self.get_exception_handler_context()
        if handler is drf_exception_handler:  # DRF's own does no I/O: no thread for it
            response = handler(exc, context)
        else:
            response = await acall(handler, exc, context)
        if response is None:
            self.raise_uncaught_exception(exc)
        response.exception = True
        return response  # type: ignore[no-any-return]

    async def afinalize_response(
        self, request: Request, response: HttpResponseBase, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        """Attach renderer, context and view headers to the response (no I/O)."""
        return self.finalize_response(request, response, *args, **kwargs)  # type: ignore[arg-type]

    async def arender_response(
        self, request: Request, response: HttpResponseBase
    ) -> HttpResponseBase:
        """Render a DRF ``Response`` before Django's handler would, to spare it a thread hop.

        Renderers whose ``render`` is loop-safe (``JSONRenderer``) run on the
        loop; others run in a thread. ``dispatch`` calls it under ASGI only:
        Django's WSGI handler renders in its own thread already.
        """
        if not isinstance(response, SimpleTemplateResponse) or response.is_rendered:
            return response
        renderer = getattr(response, "accepted_renderer", None)
        if renderer is not None and hook_mode(renderer, "render") is HookMode.LOOP:
            try:
                response.render()
            except SynchronousOnlyOperation:
                # The data held something lazy (a QuerySet): evaluate it in a thread.
                await sync_to_async(response.render, thread_sensitive=True)()
        else:
            await sync_to_async(response.render, thread_sensitive=True)()
        response.render = _RenderedOnLoop(response)  # type: ignore[method-assign,assignment]
        return response

    async def options(self, request: Request, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]
        """Answer ``OPTIONS`` with the metadata class (which may inspect serializers)."""
        if self.metadata_class is None:
            refusal: Any = self.http_method_not_allowed(request, *args, **kwargs)
            return refusal  # type: ignore[no-any-return]
        metadata: Any = self.metadata_class
        data = await acall_hook(metadata(), "determine_metadata", request, self)
        return Response(data, status=status.HTTP_200_OK)


AsyncAPIView = BaseAsyncAPIView
"""Deprecated alias of :class:`BaseAsyncAPIView`: import ``AsyncAPIView`` from ``restflow.views``."""
