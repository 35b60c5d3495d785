"""``RestflowFilterBackend`` works when ``DEFAULT_FILTER_BACKENDS`` names it (fresh interpreters).

DRF's ``GenericAPIView`` reads ``DEFAULT_FILTER_BACKENDS`` in its class body
while ``rest_framework.generics`` loads, so the backend's module must not import
DRF's views or generics back. Each case runs in a new interpreter: in this one
every module is already imported.
"""

from __future__ import annotations

import pytest

from testsupport.processes import fresh_django

_BODY = """
from rest_framework.generics import GenericAPIView
from rest_framework.settings import api_settings

print(json.dumps({
    "setting": [name(item) for item in api_settings.DEFAULT_FILTER_BACKENDS],
    "GenericAPIView": [name(item) for item in GenericAPIView.filter_backends],
    "loaded by": drf_loaded_by,
}))
"""
SETTINGS = {
    "DEFAULT_FILTER_BACKENDS": ["restflow.filters.RestflowFilterBackend"],
    "DEFAULT_PERMISSION_CLASSES": ["restflow.permissions.AllowAny"],
    "EXCEPTION_HANDLER": "restflow.exceptions.exception_handler",
}

BACKEND = "restflow.filters.backend.RestflowFilterBackend"
ORDERS = {
    "drf-first": [],
    "dispatch-first": ["restflow.core.dispatch"],
    "backend-first": ["restflow.filters"],
}


@pytest.mark.parametrize("order", ORDERS)
def test_the_backend_as_the_default_filter_backend(order: str) -> None:
    result = fresh_django(_BODY, rest_framework=SETTINGS, first=ORDERS[order])
    assert result["setting"] == result["GenericAPIView"] == [BACKEND]
    if order == "backend-first":
        assert result["loaded by"] == {"restflow.filters": []}
