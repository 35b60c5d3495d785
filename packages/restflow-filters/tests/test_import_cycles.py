"""``RestflowFilterBackend`` works when ``DEFAULT_FILTER_BACKENDS`` names it (fresh interpreters).

DRF's ``GenericAPIView`` reads ``DEFAULT_FILTER_BACKENDS`` in its class body
while ``rest_framework.generics`` loads, so the backend's module must not import
DRF's views or generics back. Each case runs in a new interpreter: in this one
every module is already imported.
"""

from __future__ import annotations

import pytest

from testsupport.processes import python_json

_SCRIPT = """
import importlib, json, sys
import django
from django.conf import settings

settings.configure(
    SECRET_KEY="import-cycle-test",
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    INSTALLED_APPS=[
        "django.contrib.contenttypes", "django.contrib.auth", "rest_framework", "restflow.core"
    ],
    REST_FRAMEWORK={
        "DEFAULT_FILTER_BACKENDS": ["restflow.filters.RestflowFilterBackend"],
        "DEFAULT_PERMISSION_CLASSES": ["restflow.permissions.AllowAny"],
        "EXCEPTION_HANDLER": "restflow.exceptions.exception_handler",
    },
)
django.setup()
loaded = {}
for module in json.loads(sys.argv[1]):
    importlib.import_module(module)
    loaded[module] = "rest_framework.generics" in sys.modules
from rest_framework.generics import GenericAPIView
from rest_framework.settings import api_settings

def name(value):
    return f"{value.__module__}.{value.__qualname__}"

print(json.dumps({
    "setting": [name(item) for item in api_settings.DEFAULT_FILTER_BACKENDS],
    "GenericAPIView": [name(item) for item in GenericAPIView.filter_backends],
    "generics loaded by": loaded,
}))
"""

BACKEND = "restflow.filters.backend.RestflowFilterBackend"
ORDERS = {
    "drf-first": [],
    "dispatch-first": ["restflow.core.dispatch"],
    "backend-first": ["restflow.filters"],
}


@pytest.mark.parametrize("order", ORDERS)
def test_the_backend_as_the_default_filter_backend(order: str) -> None:
    result = python_json(_SCRIPT, ORDERS[order])
    assert result["setting"] == result["GenericAPIView"] == [BACKEND]
    if order == "backend-first":
        assert result["generics loaded by"] == {"restflow.filters": False}
