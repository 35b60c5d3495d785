"""Service and selector views: sync on DRF's ``GenericAPIView``, ``Async...`` on restflow's loop.

Each request is handled by one generator (:meth:`ServiceViewMixin._handle`)
that yields its possibly blocking calls -- fetching the instance,
validating the input, running the spec, rendering -- and is driven by
plain calls on the sync views and by restflow's fall-back rule on the async
ones (``aget_object``, ``avalidated_serializer``, :func:`~restflow.services.arun`,
``aserialized_response``), so both paths do the same thing.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from restflow.services import running
from restflow.services.spec import ServiceSpec
from restflow.services.viewcore import ACTIONS, Output, ServiceViewCore, Spec, input_kwargs
from restflow.views import AsyncGenericAPIView, GenericAPIView
from restflow.views._steps import Call
from restflow.views._steps import arun as adrive
from restflow.views._steps import run as drive

__all__ = [
    "AsyncSelectorListView",
    "AsyncSelectorRetrieveView",
    "AsyncServiceCreateView",
    "AsyncServiceDeleteView",
    "AsyncServiceUpdateView",
    "SelectorListView",
    "SelectorRetrieveView",
    "ServiceCreateView",
    "ServiceDeleteView",
    "ServiceUpdateView",
]


class _Runner:
    """The spec call as a hook: ``run`` on the sync path, ``arun`` on the async one."""

    def run(self, spec: Spec, names: dict[str, Any]) -> Any:
        return running.run(spec, names)

    async def arun(self, spec: Spec, names: dict[str, Any]) -> Any:
        return await running.arun(spec, names)


RUNNER = _Runner()


class ServiceViewMixin(ServiceViewCore):
    """Runs the view's spec for a request; :meth:`respond` / :meth:`arespond` are the entry points."""

    @classmethod
    def as_view(cls, *args: Any, **kwargs: Any) -> Any:
        """Check the specs (``TypeError`` naming the culprit), then DRF's ``as_view``."""
        cls.check_specs()
        return super().as_view(*args, **kwargs)  # type: ignore[misc]

    # -- what the schema (restflow-spectacular) and the helpers read ----------------

    def get_serializer_class(self) -> Any:
        """``serializer_class``, else the spec's input (then output) serializer (``OPTIONS``)."""
        if getattr(self, "serializer_class", None) is None:
            spec = self.find_spec()
            found = getattr(spec, "input_serializer", None) or getattr(
                spec, "output_serializer", None
            )
            if found is not None:
                return found
        return super().get_serializer_class()  # type: ignore[misc]

    def get_request_serializer_class(self) -> Any:
        """The spec's ``input_serializer``, else the view's request serializer."""
        spec = self.get_spec()
        if isinstance(spec, ServiceSpec) and spec.input_serializer is not None:
            return spec.input_serializer
        return super().get_request_serializer_class()  # type: ignore[misc]

    def get_response_serializer_class(self) -> Any:
        """The spec's ``output_serializer``, else the view's response serializer."""
        spec = self.get_spec()
        if spec.output_serializer is not None:
            return spec.output_serializer
        return super().get_response_serializer_class()  # type: ignore[misc]

    @property
    def schema_success_status(self) -> int:
        """The status a success is documented with (201 for a create)."""
        spec = self.get_spec()
        return getattr(spec, "success_status", None) or self.get_traits().success_status

    @property
    def schema_many(self) -> bool:
        """Whether the GET answers a list (a list selector)."""
        return self.get_traits().many

    @property
    def schema_error_responses(self) -> dict[int, str]:
        """The errors the spec adds: 503 with a circuit breaker, 504 with a timeout."""
        spec = self.get_spec()
        errors = {}
        if spec.breaker is not None:
            errors[503] = "The service is unavailable for now (circuit breaker open)."
        if spec.timeout is not None:
            errors[504] = f"The service did not finish within {spec.timeout:g} seconds."
        return errors

    def _handle(self, spec: Spec | None, extra: dict[str, Any]) -> Generator[Call, Any, Response]:
        spec = self.get_spec() if spec is None else spec
        names = self.names(**extra)
        instance = None
        if self.has_instance_source():
            instance = names["instance"] = yield self, "get_object", (), {}
        if isinstance(spec, ServiceSpec) and "data" not in names:
            if spec.injection.takes_all or "data" in spec.injection.names:
                names["data"] = self.request.data
            if spec.input_serializer is not None:
                options = {
                    "serializer_class": spec.input_serializer,
                    **input_kwargs(self.request.method),
                }
                args = () if instance is None else (instance,)
                serializer = yield self, "validated_serializer", args, options
                names["data"] = serializer.validated_data
        result = yield RUNNER, "run", (spec, names), {}
        if result is None and self.get_traits().none_is_not_found:
            raise NotFound()
        how, serializer_class, status = self.output(spec, result)
        if how is Output.EMPTY:
            return Response(status=status)
        if how is Output.RAW:
            return Response(result, status=status)
        if how is Output.PAGE:
            page: Response = yield (
                self,
                "paginated_response",
                (result,),
                {"serializer_class": serializer_class},
            )
            return page
        options = {
            "status": status,
            "many": how is Output.MANY,
            "serializer_class": serializer_class,
        }
        response: Response = yield self, "serialized_response", (result,), options
        return response

    def respond(self, spec: Spec | None = None, **extra: Any) -> Response:
        """Run ``spec`` (default: the view's or the action's) and answer with its result.

        ``extra`` adds names the callable may declare (``data=...`` replaces the body).
        """
        response: Response = drive(self._handle(spec, extra))
        return response

    async def arespond(self, spec: Spec | None = None, **extra: Any) -> Response:
        """Async twin of :meth:`respond`."""
        response: Response = await adrive(self._handle(spec, extra))
        return response


class _Service(ServiceViewMixin):
    spec_role = "service"


class _Selector(ServiceViewMixin):
    spec_role = "selector"


# -- sync -------------------------------------------------------------------------


class ServiceCreateView(_Service, GenericAPIView):
    """POST runs ``spec``'s service with the validated input: 201 with its result."""

    traits = ACTIONS["create"][1]

    def post(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        return self.respond()


class ServiceUpdateView(_Service, GenericAPIView):
    """PUT and PATCH (partial input) run the service; ``instance`` from ``queryset`` when set."""

    traits = ACTIONS["update"][1]

    def put(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        return self.respond()

    def patch(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        return self.respond()


class ServiceDeleteView(_Service, GenericAPIView):
    """DELETE runs the service; 204 when it returns nothing."""

    traits = ACTIONS["update"][1]

    def delete(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        return self.respond()


class SelectorListView(_Selector, GenericAPIView):
    """GET runs the selector; its rows are paginated and serialized."""

    traits = ACTIONS["list"][1]

    def get(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        return self.respond()


class SelectorRetrieveView(_Selector, GenericAPIView):
    """GET runs the selector; ``None`` is a 404."""

    traits = ACTIONS["retrieve"][1]

    def get(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        return self.respond()


# -- async ------------------------------------------------------------------------


class AsyncServiceCreateView(_Service, AsyncGenericAPIView):
    """Async :class:`ServiceCreateView`."""

    traits = ACTIONS["create"][1]

    async def post(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        return await self.arespond()


class AsyncServiceUpdateView(_Service, AsyncGenericAPIView):
    """Async :class:`ServiceUpdateView`."""

    traits = ACTIONS["update"][1]

    async def put(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        return await self.arespond()

    async def patch(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        return await self.arespond()


class AsyncServiceDeleteView(_Service, AsyncGenericAPIView):
    """Async :class:`ServiceDeleteView`."""

    traits = ACTIONS["update"][1]

    async def delete(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        return await self.arespond()


class AsyncSelectorListView(_Selector, AsyncGenericAPIView):
    """Async :class:`SelectorListView`."""

    traits = ACTIONS["list"][1]

    async def get(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        return await self.arespond()


class AsyncSelectorRetrieveView(_Selector, AsyncGenericAPIView):
    """Async :class:`SelectorRetrieveView`."""

    traits = ACTIONS["retrieve"][1]

    async def get(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        return await self.arespond()
