"""``release_on_close``: no view/request/response reference cycle outlives a response.

DRF links the view, its ``Request`` and the ``Response`` both ways
(``view.request``/``view.response``, ``request.parser_context["view"]`` and
``["request"]``, ``response.renderer_context``), and Django's ``View.setup``
stores the bound ``self.get`` as ``self.head``. Each request then leaves a few
dozen objects -- the ASGI or WSGI request and its body, whatever the view
holds -- for the cycle collector. Cutting the back links once Django has
closed the response lets reference counting free them at once.
"""

from __future__ import annotations

from typing import Any

from django.http.response import HttpResponseBase

__all__ = ["release_on_close"]


def _release(view: Any, request: Any, response: HttpResponseBase) -> None:
    parser_context = getattr(request, "parser_context", None)
    if parser_context:
        parser_context.pop("view", None)
        parser_context.pop("request", None)
    renderer_context = getattr(response, "renderer_context", None)
    if renderer_context:
        renderer_context.pop("response", None)
    view.__dict__.pop("response", None)
    view.__dict__.pop("head", None)  # Django's View.setup binds self.get here


def _own_close(response: HttpResponseBase) -> Any:
    """The response's class ``close``, bound: what a pickled copy gets for the stand-in below."""
    return type(response).close.__get__(response)


class _CloseThenRelease:
    """Stands in for ``response.close``: Django's close, then the back links cut, then gone."""

    def __init__(self, view: Any, request: Any, response: HttpResponseBase) -> None:
        self.view, self.request, self.response = view, request, response

    def __call__(self) -> None:
        response = self.response
        response.__dict__.pop("close", None)
        try:
            response.close()
        finally:
            _release(self.view, self.request, response)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_own_close, (self.response,))


def release_on_close(view: Any, request: Any, response: HttpResponseBase) -> None:
    """Cut the view/request/response back links when Django closes ``response``.

    Django's handlers (and its test client) close every response once it is
    sent. Afterwards ``view.response`` and ``view.head`` are gone,
    ``request.parser_context`` no longer holds the view and the request, and
    ``response.renderer_context`` no longer holds the response; the rest
    (``response.renderer_context["view"]``, ``["request"]``, ``response.data``)
    stays. Registering twice for one response registers once.
    """
    if not isinstance(response.__dict__.get("close"), _CloseThenRelease):
        response.close = _CloseThenRelease(view, request, response)  # type: ignore[method-assign]
