"""``RestflowAutoSchema``: drf-spectacular's ``AutoSchema`` aware of restflow views."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from django.core.exceptions import ImproperlyConfigured
from drf_spectacular.drainage import warn
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import (
    ResolvedComponent,
    force_instance,
    is_list_serializer,
    is_serializer,
)
from drf_spectacular.types import OpenApiTypes
from rest_framework import permissions as drf_permissions
from rest_framework.mixins import CreateModelMixin
from rest_framework.pagination import LimitOffsetPagination, PageNumberPagination

from restflow import permissions as restflow_permissions
from restflow.spectacular.errors import (
    ERROR_COMPONENT_NAME,
    ERROR_DESCRIPTIONS,
    ERROR_ENVELOPE_SCHEMA,
)
from restflow.spectacular.settings import filter_methods

__all__ = ["RestflowAutoSchema"]

_INPUT_METHODS = frozenset({"POST", "PUT", "PATCH"})
_ALLOW_ANY = (drf_permissions.AllowAny, restflow_permissions.AllowAny)
_READ_ONLY_ANONYMOUS = (
    drf_permissions.IsAuthenticatedOrReadOnly,
    restflow_permissions.IsAuthenticatedOrReadOnly,
)


class RestflowAutoSchema(AutoSchema):
    """Set as ``REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]``.

    Applies restflow-views' per-action ``ActionConfig`` overrides, documents the
    request/response serializer split and adds the error envelope as the body
    of the 400/401/403/404/429 responses that apply to each operation, and of the
    504 of a view whose handlers run under a ``timeout``.
    """

    def get_operation(self, *args: Any, **kwargs: Any) -> Any:
        """Document the operation with the routed action's ``ActionConfig`` applied."""
        chosen = _action_overrides(self.view, getattr(self.view, "action", None))
        if chosen:
            self.view.__dict__.update(chosen)
        return super().get_operation(*args, **kwargs)

    def get_request_serializer(self) -> Any:
        """The input serializer: ``get_request_serializer_class()`` when the view has it.

        A view that declares none (the getter raises ``ImproperlyConfigured``) has
        no documented request body.
        """
        getter = getattr(self.view, "get_request_serializer_class", None)
        if callable(getter):
            try:
                return getter()
            except ImproperlyConfigured:
                return OpenApiTypes.NONE
        return super().get_request_serializer()

    def get_response_serializers(self) -> Any:
        """The output serializer: ``get_response_serializer_class()`` when the view has it.

        ``None`` when the view declares none (the getter raises ``ImproperlyConfigured``).
        """
        try:
            return self._declared_response_serializer()
        except ImproperlyConfigured:
            return None

    def _declared_response_serializer(self) -> Any:
        getter = getattr(self.view, "get_response_serializer_class", None)
        if callable(getter):
            return getter()
        return super().get_response_serializers()

    def _is_create_operation(self) -> bool:
        """POST routed to ``create``: a viewset's action, or a generic view with a create mixin.

        DRF's ``CreateModelMixin`` covers restflow-views' sync and async create mixins
        (and so ``AsyncCreateAPIView``/``AsyncListCreateAPIView``): they answer 201. A
        view's ``schema_success_status`` (an int) decides for it.
        """
        if self.method != "POST":
            return False
        declared = getattr(self.view, "schema_success_status", None)
        if type(declared) is int:  # a view that knows its own (restflow's service views)
            return declared == 201
        if hasattr(self.view, "action"):
            return bool(self.view.action == "create")
        return isinstance(self.view, CreateModelMixin) or super()._is_create_operation()

    def get_auth(self) -> list[dict[str, list[str]]]:
        """drf-spectacular's security requirements; restflow's ``AllowAny`` makes auth optional.

        restflow's ``IsAuthenticatedOrReadOnly`` does the same for safe methods, as DRF's does.
        """
        auths: list[dict[str, list[str]]] = super().get_auth()
        if {} not in auths and self._allows_anonymous():
            auths.append({})
        return auths

    def _allows_anonymous(self) -> bool:
        return any(self._grants_anyone(p) for p in _classes(self.view, "get_permissions"))

    def _grants_anyone(self, permission: Any) -> bool:
        """``AllowAny``, or ``IsAuthenticatedOrReadOnly`` on a safe method (DRF's or restflow's)."""
        if isinstance(permission, _ALLOW_ANY):
            return True
        return self.method in drf_permissions.SAFE_METHODS and isinstance(
            permission, _READ_ONLY_ANONYMOUS
        )

    def _get_filter_parameters(self) -> Any:
        methods = filter_methods(self.view)
        if methods is not None:
            return self._filterset_parameters() if self.method in methods else []
        parameters = super()._get_filter_parameters()
        if parameters or self.method != "GET":
            return parameters
        # a view that applies its FilterSet itself (no filter backend) still documents it
        return self._filterset_parameters()

    def _filterset_parameters(self) -> list[Any]:
        """The view's filter parameters: its backends', else its ``filterset_class``'s."""
        parameters: list[Any] = []
        for backend in getattr(self.view, "filter_backends", None) or []:
            describe = getattr(backend(), "get_schema_operation_parameters", None)
            if callable(describe):
                parameters.extend(describe(self.view))
        if parameters:
            return parameters
        filterset_class = getattr(self.view, "filterset_class", None)
        schema_parameters = getattr(filterset_class, "schema_parameters", None)
        return list(schema_parameters()) if callable(schema_parameters) else []

    def _is_list_view(self, serializer: Any = None) -> bool:
        """drf-spectacular's rule, plus a GET that answers through restflow's ``paginated_response``.

        A non-generic restflow view (``APIView``/``AsyncAPIView``) whose class sets its
        own ``pagination_class`` lists what it returns, in that paginator's envelope. A
        view's ``schema_many`` (a bool: restflow's selector views) decides for its GET.
        """
        declared = getattr(self.view, "schema_many", None)
        if isinstance(declared, bool) and self.method == "GET":
            return declared
        return super()._is_list_view(serializer) or self._answers_pages()

    def _answers_pages(self) -> bool:
        view = self.view
        if self.method != "GET" or hasattr(view, "action") or hasattr(view, "get_queryset"):
            return False  # viewsets decide by action, generic views by drf-spectacular's rule
        if not callable(getattr(view, "paginated_response", None)):
            return False
        for klass in type(view).__mro__:
            if "pagination_class" in vars(klass):
                # a class the view names itself (the helpers' default reads DRF's setting)
                return isinstance(vars(klass)["pagination_class"], type)
        return False

    def _get_paginator(self) -> Any:
        getter = getattr(self.view, "get_pagination_class", None)
        if callable(getter) and self._is_list_view():
            pagination_class = getter()
            return pagination_class() if pagination_class else None
        return super()._get_paginator()

    def get_paginated_name(self, serializer_name: str) -> str:
        """One component per paginator class: ``<Paginator>Paginated<Name>List``.

        DRF's ``PageNumberPagination`` keeps drf-spectacular's ``Paginated<Name>List``;
        any other paginator gets its class name (minus ``Pagination``) as prefix, so two
        envelopes of the same serializer never collide.
        """
        base = super().get_paginated_name(serializer_name)
        paginator = self._get_paginator()
        if paginator is None or type(paginator) is PageNumberPagination:
            return base
        prefix = type(paginator).__name__.removesuffix("Pagination")
        return f"{prefix}{base}"

    def _get_response_bodies(
        self, direction: Literal["request", "response"] = "response"
    ) -> dict[str, Any]:
        if direction == "response" and self._lacks_response_serializer():
            responses: dict[str, Any] = {
                self._success_status(): {"description": "No response body"}
            }
        else:
            responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for status, description in self._declared_errors().items():
            responses.setdefault(status, self._error_response(status, description))
        seconds = self._timeout()
        if seconds is not None:
            description = (
                f"The request did not finish within {seconds:g} seconds (the view's timeout)."
            )
            responses.setdefault("504", self._error_response("504", description))
        for status in self._error_statuses():
            responses.setdefault(status, self._error_response(status))
        return responses

    def _get_response_for_code(
        self,
        serializer: Any,
        status_code: str,
        media_types: Any = None,
        direction: Literal["request", "response"] = "response",
    ) -> dict[str, Any]:
        response: dict[str, Any] = super()._get_response_for_code(
            serializer, status_code, media_types, direction
        )
        if "content" not in response and self._renders_empty_object(serializer, status_code):
            # the view's response serializer has no fields: it renders ``{}``, not nothing
            response["description"] = ""
            response["content"] = {
                media_type: {"schema": {"type": "object", "additionalProperties": False}}
                for media_type in media_types or self.map_renderers("media_type")
            }
        return response

    def _renders_empty_object(self, serializer: Any, status_code: str) -> bool:
        if not status_code.startswith("2") or status_code == "204":
            return False
        getter = getattr(self.view, "get_response_serializer_class", None)
        if not callable(getter) or serializer is None:
            return False
        try:
            declared = getter()
        except ImproperlyConfigured:
            return False
        if serializer is not declared and type(serializer) is not declared:
            return False
        instance = force_instance(serializer)
        return is_serializer(instance) and not is_list_serializer(instance) and not instance.fields

    def _declared_errors(self) -> dict[str, str]:
        """The view's ``schema_error_responses``: ``{status: description}`` of extra errors.

        For errors the view's classes do not imply (a token view's 401 without
        authenticators, a 503); each is documented with the error envelope.
        """
        declared = getattr(self.view, "schema_error_responses", None)
        if declared is None:
            return {}
        if not isinstance(declared, Mapping):
            warn(
                f"{type(self.view).__qualname__}.schema_error_responses must be a mapping of "
                f"status code to description, not {declared!r}: ignored."
            )
            return {}
        return {str(status): str(description) for status, description in declared.items()}

    def _timeout(self) -> float | None:
        """The seconds that bound this operation's handler, or ``None``.

        restflow-views' ``timeout`` wraps each async handler of a view that sets it
        and marks the wrapper with its limit; a view whose handler carries no mark
        (no timeout, ``timeout = None``, or a view class that does not enforce one)
        cannot answer the 504.
        """
        name = getattr(self.view, "action", None) or self.method.lower()
        seconds = getattr(getattr(self.view, name, None), "__restflow_timeout__", None)
        return float(seconds) if isinstance(seconds, (int, float)) else None

    def _lacks_response_serializer(self) -> bool:
        if self.get_response_serializers() is not None:
            return False  # declared, or given by @extend_schema
        try:
            self._declared_response_serializer()
        except ImproperlyConfigured as exc:
            warn(
                f"{type(self.view).__qualname__} declares no serializer ({exc}): "
                f"{self.method} {self.path} is documented without a body. Set a serializer "
                "class or describe the operation with @extend_schema."
            )
            return True
        return False

    def _success_status(self) -> str:
        declared = getattr(self.view, "schema_success_status", None)
        if type(declared) is int:  # a view that knows its own (a service view: 201 for a create)
            return str(declared)
        if self.method == "DELETE":
            return "204"
        return "201" if self._is_create_operation() else "200"

    def _error_statuses(self) -> list[str]:
        statuses = []
        if self.method in _INPUT_METHODS or self._has_parameters():
            statuses.append("400")
        if _classes(self.view, "get_authenticators"):
            statuses.append("401")
        permission_list = _classes(self.view, "get_permissions")
        if [p for p in permission_list if not self._grants_anyone(p)]:
            statuses.append("403")
        if ("{" in self.path and not self._is_list_view()) or self._pages_can_be_missing():
            statuses.append("404")
        if _classes(self.view, "get_throttles"):
            statuses.append("429")
        return statuses

    def _pages_can_be_missing(self) -> bool:
        """A paginated list answers 404 for a page out of range (or an invalid cursor)."""
        if self.method != "GET" or not self._is_list_view():
            return False
        paginator = self._get_paginator()
        return paginator is not None and not isinstance(paginator, LimitOffsetPagination)

    def _has_parameters(self) -> bool:
        return bool(self._get_filter_parameters()) or bool(self._get_pagination_parameters())

    def _error_response(self, status: str, description: str | None = None) -> dict[str, Any]:
        component = ResolvedComponent(
            name=ERROR_COMPONENT_NAME,
            type=ResolvedComponent.SCHEMA,
            object=ERROR_COMPONENT_NAME,
            schema=ERROR_ENVELOPE_SCHEMA,
        )
        self.registry.register_on_missing(component)
        return {
            "content": {"application/json": {"schema": component.ref}},
            "description": ERROR_DESCRIPTIONS[status] if description is None else description,
        }


def _classes(view: Any, getter_name: str) -> list[Any]:
    getter = getattr(view, getter_name, None)
    if not callable(getter):
        return []
    try:
        return list(getter())
    except Exception:
        return []


def _action_overrides(view: Any, action: str | None) -> dict[str, Any]:
    """The attributes a restflow-views viewset uses for ``action`` (``{}`` for any other view).

    Read through ``get_action_overrides()``; a restflow-views release without it
    is read through its public ``action_configs`` and ``ActionConfig.overrides()``.
    """
    getter = getattr(view, "get_action_overrides", None)
    if callable(getter):
        return dict(getter(action))
    configs = getattr(view, "action_configs", None)
    config = configs.get(action) if isinstance(configs, Mapping) and action else None
    overrides = getattr(config, "overrides", None)
    return dict(overrides()) if callable(overrides) else {}
