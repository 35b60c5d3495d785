"""``release_on_close``: the back links go when Django closes the response, once."""

from __future__ import annotations

import gc
import weakref
from typing import Any

import pytest
from django.core.signals import request_finished
from django.test import RequestFactory
from rest_framework.response import Response
from rest_framework.views import APIView

from restflow.core.cycles import release_on_close

# closing a response sends request_finished, which checks the database connection
pytestmark = pytest.mark.django_db


class Plain(APIView):
    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []

    def get(self, request: Any) -> Response:
        return Response({"ok": True})


class Released(Plain):
    def finalize_response(self, request: Any, response: Any, *args: Any, **kwargs: Any) -> Any:
        final = super().finalize_response(request, response, *args, **kwargs)
        release_on_close(self, request, final)
        release_on_close(self, request, final)  # a second registration is a no-op
        return final


def _serve(view_class: type) -> tuple[Any, Any]:
    """One sync DRF request, rendered and closed as Django's handler does."""
    view = view_class.as_view()
    response = view(RequestFactory().get("/"))
    response.render()
    return response, response.renderer_context["view"]


def test_closing_cuts_only_the_back_links() -> None:
    response, view = _serve(Released)
    request = response.renderer_context["request"]
    assert view.response is response
    response.close()
    assert "response" not in view.__dict__
    assert "head" not in view.__dict__
    assert "view" not in request.parser_context
    assert "request" not in request.parser_context
    assert "response" not in response.renderer_context
    # what a test reads after the request stays
    assert response.renderer_context["view"] is view
    assert response.renderer_context["request"] is request
    assert view.request is request
    assert response.data == {"ok": True}


def test_registering_twice_closes_once() -> None:
    finished: list[object] = []

    def count(sender: object, **kwargs: object) -> None:
        finished.append(sender)

    response, view = _serve(Released)
    request_finished.connect(count)
    try:
        response.close()
    finally:
        request_finished.disconnect(count)
    assert len(finished) == 1  # Django's close ran once, not once per registration
    assert "response" not in view.__dict__
    assert "close" not in response.__dict__  # the response's own close is back


def test_a_closed_response_frees_its_view_without_the_cycle_collector() -> None:
    for view_class, freed in ((Plain, False), (Released, True)):
        _serve(view_class)  # warm up
        gc.collect()
        gc.disable()
        try:
            response, view = _serve(view_class)
            view_ref = weakref.ref(view)
            response.close()
            del response, view
            assert (view_ref() is None) is freed, view_class.__name__
        finally:
            gc.enable()
