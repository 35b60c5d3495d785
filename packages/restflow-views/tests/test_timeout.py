"""The per-view ``timeout`` on async views: overrun -> 504 ``timeout`` envelope."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from django.test import RequestFactory
from rest_framework.decorators import action
from rest_framework.response import Response

from restflow.exceptions import ErrorCode, ServiceUnavailable
from restflow.views import AsyncAPIView, AsyncViewSet
from restflow.views.timeout import GatewayTimeout
from viewtests.timeout_views import TextRenderer

pytestmark = pytest.mark.django_db(transaction=False)


class SlowView(AsyncAPIView):
    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []
    timeout = 0.05
    finished: list[str] = []

    async def get(self, request: Any) -> Response:
        delay = float(request.query_params.get("delay", "0"))
        try:
            await asyncio.sleep(delay)
        except asyncio.CancelledError:
            self.finished.append("cancelled")
            raise
        return Response({"slept": delay})


class UnboundedView(SlowView):
    timeout = None


class SlowViewSet(AsyncViewSet):
    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []
    timeout = 0.05

    async def list(self, request: Any) -> Response:
        await asyncio.sleep(1)
        return Response([])

    @action(detail=False, methods=["get"])
    async def stats(self, request: Any) -> Response:
        await asyncio.sleep(1)
        return Response({})


class TextOnlyView(SlowView):
    renderer_classes = [TextRenderer]


async def _call(view: Any, delay: float, accept: str) -> Any:
    request = RequestFactory().get("/", {"delay": delay}, HTTP_ACCEPT=accept)
    response = await view(request)
    response.render()
    return response


async def _get(view: Any, delay: float = 0) -> tuple[int, Any]:
    response = await _call(view, delay, "application/json")
    return response.status_code, json.loads(response.content)


class TestTimeout:
    async def test_handler_within_the_limit_answers_normally(self) -> None:
        assert await _get(SlowView.as_view(), 0) == (200, {"slept": 0.0})

    async def test_overrun_is_a_504_timeout_envelope(self) -> None:
        status, body = await _get(SlowView.as_view(), 1)
        assert status == 504
        assert body["error"]["code"] == "timeout"
        assert body["error"]["details"] == {"timeout": 0.05}

    async def test_overrun_cancels_the_handler(self) -> None:
        SlowView.finished.clear()
        await _get(SlowView.as_view(), 1)
        assert SlowView.finished == ["cancelled"]

    async def test_subclass_can_lift_the_timeout(self) -> None:
        assert await _get(UnboundedView.as_view(), 0.1) == (200, {"slept": 0.1})

    async def test_viewset_actions_and_extra_actions_are_bounded(self) -> None:
        for actions in ({"get": "list"}, {"get": "stats"}):
            status, body = await _get(SlowViewSet.as_view(actions), 0)
            assert status == 504, actions
            assert body["error"]["code"] == "timeout"

    async def test_overrun_renders_with_a_loop_safe_renderer_not_the_browsable_api(self) -> None:
        # the browsable API renders in the request's sync thread, which may still be blocked
        response = await _call(SlowView.as_view(), 1, "text/html")
        assert response.status_code == 504
        assert response["Content-Type"] == "application/json"
        assert json.loads(response.content)["error"]["details"] == {"timeout": 0.05}

    async def test_overrun_keeps_the_renderer_of_a_view_without_a_loop_safe_one(self) -> None:
        response = await _call(TextOnlyView.as_view(), 1, "text/plain")
        assert response.status_code == 504
        assert response["Content-Type"] == "text/plain; charset=utf-8"

    def test_extra_action_keeps_its_routing_metadata(self) -> None:
        assert [a.url_path for a in SlowViewSet.get_extra_actions()] == ["stats"]

    def test_gateway_timeout_is_a_504_with_its_own_code(self) -> None:
        assert GatewayTimeout.status_code == 504
        assert GatewayTimeout.code is ErrorCode.TIMEOUT
        assert ErrorCode.TIMEOUT == "timeout"

    def test_gateway_timeout_is_still_caught_as_a_service_unavailable(self) -> None:
        # code written for 0.1.0 catches ``ServiceUnavailable``; the new code changes no class
        assert issubclass(GatewayTimeout, ServiceUnavailable)


class TestTimeoutDeclaration:
    @pytest.mark.parametrize("bad", [0, -1, "5", True])
    def test_bad_timeout_is_a_type_error_naming_class_and_attribute(self, bad: Any) -> None:
        with pytest.raises(TypeError, match=r"Bad\.timeout must be a positive number"):
            type("Bad", (AsyncAPIView,), {"timeout": bad})
