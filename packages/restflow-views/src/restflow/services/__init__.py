"""restflow.services: business logic in plain callables, wired to HTTP by service views.

Services change state, selectors read; each is a plain function (sync or
``async def``, its own choice) receiving the keyword arguments it declares.
The errors and mutation helpers are imported at once and need no DRF, so
service modules may import them freely; specs, views and viewsets are
imported on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from restflow.services.errors import (
    ServiceConflict,
    ServiceError,
    ServiceNotFound,
    ServiceValidationError,
)
from restflow.services.mutations import (
    MutationResult,
    acreate_from_input,
    apply_input,
    aupdate_from_input,
    create_from_input,
    update_from_input,
)

if TYPE_CHECKING:
    from restflow.services.breaker import CircuitBreaker, CircuitOpen
    from restflow.services.running import arun, as_api_error, run
    from restflow.services.spec import SelectorSpec, ServiceSpec
    from restflow.services.views import (
        AsyncSelectorListView,
        AsyncSelectorRetrieveView,
        AsyncServiceCreateView,
        AsyncServiceDeleteView,
        AsyncServiceUpdateView,
        SelectorListView,
        SelectorRetrieveView,
        ServiceCreateView,
        ServiceDeleteView,
        ServiceUpdateView,
    )
    from restflow.services.viewsets import AsyncServiceViewSet, ServiceViewSet

__all__ = [
    "AsyncSelectorListView",
    "AsyncSelectorRetrieveView",
    "AsyncServiceCreateView",
    "AsyncServiceDeleteView",
    "AsyncServiceUpdateView",
    "AsyncServiceViewSet",
    "CircuitBreaker",
    "CircuitOpen",
    "MutationResult",
    "SelectorListView",
    "SelectorRetrieveView",
    "SelectorSpec",
    "ServiceConflict",
    "ServiceCreateView",
    "ServiceDeleteView",
    "ServiceError",
    "ServiceNotFound",
    "ServiceSpec",
    "ServiceUpdateView",
    "ServiceValidationError",
    "ServiceViewSet",
    "acreate_from_input",
    "apply_input",
    "arun",
    "as_api_error",
    "aupdate_from_input",
    "create_from_input",
    "run",
    "update_from_input",
]

_LAZY = {
    "CircuitBreaker": "restflow.services.breaker",
    "CircuitOpen": "restflow.services.breaker",
    "SelectorSpec": "restflow.services.spec",
    "ServiceSpec": "restflow.services.spec",
    "arun": "restflow.services.running",
    "as_api_error": "restflow.services.running",
    "run": "restflow.services.running",
    "AsyncSelectorListView": "restflow.services.views",
    "AsyncSelectorRetrieveView": "restflow.services.views",
    "AsyncServiceCreateView": "restflow.services.views",
    "AsyncServiceDeleteView": "restflow.services.views",
    "AsyncServiceUpdateView": "restflow.services.views",
    "SelectorListView": "restflow.services.views",
    "SelectorRetrieveView": "restflow.services.views",
    "ServiceCreateView": "restflow.services.views",
    "ServiceDeleteView": "restflow.services.views",
    "ServiceUpdateView": "restflow.services.views",
    "AsyncServiceViewSet": "restflow.services.viewsets",
    "ServiceViewSet": "restflow.services.viewsets",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'restflow.services' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
