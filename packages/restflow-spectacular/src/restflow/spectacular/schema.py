"""``RestflowAutoSchema``: drf-spectacular's ``AutoSchema`` aware of restflow views."""

from __future__ import annotations

from typing import Any, Literal

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny

from restflow.spectacular.errors import (
    ERROR_COMPONENT_NAME,
    ERROR_DESCRIPTIONS,
    ERROR_ENVELOPE_SCHEMA,
)

__all__ = ["RestflowAutoSchema"]

_INPUT_METHODS = frozenset({"POST", "PUT", "PATCH"})


class RestflowAutoSchema(AutoSchema):
    """Set as ``REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]``.

    Applies restflow-views' per-action ``ActionConfig`` overrides, documents the
    request/response serializer split and adds the error envelope as the body
    of the 400/401/403/404/429 responses that apply to each operation.
    """

    def get_operation(self, *args: Any, **kwargs: Any) -> Any:
        """Document the operation with the routed action's ``ActionConfig`` applied."""
        overrides = getattr(self.view, "_action_overrides", None) or {}
        chosen = overrides.get(getattr(self.view, "action", None))
        if chosen:
            self.view.__dict__.update(chosen)
        return super().get_operation(*args, **kwargs)

    def get_request_serializer(self) -> Any:
        """The input serializer: ``get_request_serializer_class()`` when the view has it."""
        getter = getattr(self.view, "get_request_serializer_class", None)
        if callable(getter):
            return getter()
        return super().get_request_serializer()

    def get_response_serializers(self) -> Any:
        """The output serializer: ``get_response_serializer_class()`` when the view has it."""
        getter = getattr(self.view, "get_response_serializer_class", None)
        if callable(getter):
            return getter()
        return super().get_response_serializers()

    def _get_filter_parameters(self) -> Any:
        parameters = super()._get_filter_parameters()
        if parameters or self.method != "GET":
            return parameters
        # a view that applies its FilterSet itself (no filter backend) still documents it
        filterset_class = getattr(self.view, "filterset_class", None)
        schema_parameters = getattr(filterset_class, "schema_parameters", None)
        return list(schema_parameters()) if callable(schema_parameters) else parameters

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
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for status in self._error_statuses():
            responses.setdefault(status, self._error_response(status))
        return responses

    def _error_statuses(self) -> list[str]:
        statuses = []
        if self.method in _INPUT_METHODS or self._has_parameters():
            statuses.append("400")
        if _classes(self.view, "get_authenticators"):
            statuses.append("401")
        if [p for p in _classes(self.view, "get_permissions") if not isinstance(p, AllowAny)]:
            statuses.append("403")
        if "{" in self.path and not self._is_list_view():
            statuses.append("404")
        if _classes(self.view, "get_throttles"):
            statuses.append("429")
        return statuses

    def _has_parameters(self) -> bool:
        return bool(self._get_filter_parameters()) or bool(self._get_pagination_parameters())

    def _error_response(self, status: str) -> dict[str, Any]:
        component = ResolvedComponent(
            name=ERROR_COMPONENT_NAME,
            type=ResolvedComponent.SCHEMA,
            object=ERROR_COMPONENT_NAME,
            schema=ERROR_ENVELOPE_SCHEMA,
        )
        self.registry.register_on_missing(component)
        return {
            "content": {"application/json": {"schema": component.ref}},
            "description": ERROR_DESCRIPTIONS[status],
        }


def _classes(view: Any, getter_name: str) -> list[Any]:
    getter = getattr(view, getter_name, None)
    if not callable(getter):
        return []
    try:
        return list(getter())
    except Exception:
        return []
