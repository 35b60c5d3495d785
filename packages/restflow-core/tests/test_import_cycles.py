"""restflow classes named in DRF's settings import in any order (fresh interpreters).

``rest_framework.views`` imports the classes its settings name while it loads
(``APIView``'s class body reads ``api_settings.DEFAULT_PERMISSION_CLASSES``), so
a module those settings name must not import ``rest_framework.views`` back.
Each case runs in a new interpreter: in this one the modules are already imported.
"""

from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from testsupport.processes import fresh_django

_BODY = """
from rest_framework.settings import api_settings
from rest_framework.views import APIView

resolved = {}
for key in rest_framework_settings:
    value = getattr(api_settings, key)
    resolved[key] = [name(item) for item in value] if isinstance(value, list) else name(value)
resolved["APIView.permission_classes"] = [name(item) for item in APIView.permission_classes]
print(json.dumps(resolved))
"""


def _resolve(
    rest_framework: dict[str, Any], first: list[str], path: Path | None = None
) -> dict[str, Any]:
    """Configure DRF with ``rest_framework``, import ``first`` modules, then DRF's views."""
    env = None
    if path is not None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(path), *sys.path])}
    return dict(fresh_django(_BODY, rest_framework=rest_framework, first=first, env=env))


PERMISSIONS = [
    "restflow.permissions.standard.AllowAny",
    "restflow.permissions.standard.IsAuthenticated",
    "restflow.permissions.standard.IsAdminUser",
    "restflow.permissions.standard.IsAuthenticatedOrReadOnly",
    "restflow.permissions.standard.DjangoModelPermissions",
    "restflow.permissions.standard.DjangoModelPermissionsOrAnonReadOnly",
    "restflow.permissions.standard.DjangoObjectPermissions",
]
# Import orders: DRF's views first, restflow's async dispatch first, the classes first.
ORDERS = [
    [],
    ["restflow.core.dispatch"],
    ["restflow.permissions", "restflow.exceptions", "restflow.parsers"],
]


@pytest.mark.parametrize("first", ORDERS, ids=["drf-first", "dispatch-first", "classes-first"])
def test_default_permission_classes_name_restflow_permissions(first: list[str]) -> None:
    public = [path.replace(".standard", "") for path in PERMISSIONS]
    resolved = _resolve({"DEFAULT_PERMISSION_CLASSES": public}, first)
    assert resolved["DEFAULT_PERMISSION_CLASSES"] == PERMISSIONS
    assert resolved["APIView.permission_classes"] == PERMISSIONS


@pytest.mark.parametrize("first", ORDERS, ids=["drf-first", "dispatch-first", "classes-first"])
def test_the_exception_handler_and_permissions_together(first: list[str]) -> None:
    resolved = _resolve(
        {
            "DEFAULT_PERMISSION_CLASSES": ["restflow.permissions.IsAuthenticated"],
            "EXCEPTION_HANDLER": "restflow.exceptions.exception_handler",
        },
        first,
    )
    assert resolved["EXCEPTION_HANDLER"] == "restflow.exceptions.handler.exception_handler"
    assert resolved["APIView.permission_classes"] == [PERMISSIONS[1]]


@pytest.mark.parametrize("first", ORDERS, ids=["drf-first", "dispatch-first", "classes-first"])
def test_default_parser_classes_name_restflows_json_parser(first: list[str]) -> None:
    resolved = _resolve(
        {
            "DEFAULT_PARSER_CLASSES": [
                "restflow.parsers.JSONParser",
                "rest_framework.parsers.FormParser",
            ]
        },
        first,
    )
    assert resolved["DEFAULT_PARSER_CLASSES"] == [
        "restflow.parsers.json.JSONParser",
        "rest_framework.parsers.FormParser",
    ]


def test_a_settings_class_importing_restflow_exceptions_does_not_cycle(tmp_path: Path) -> None:
    """An authentication class built on restflow's exceptions (as restflow-jwt's is)."""
    (tmp_path / "cycle_auth.py").write_text(
        textwrap.dedent(
            """
            from rest_framework.authentication import BaseAuthentication

            from restflow.exceptions import APIException, exception_handler


            class Auth(BaseAuthentication):
                failure = APIException
            """
        )
    )
    resolved = _resolve({"DEFAULT_AUTHENTICATION_CLASSES": ["cycle_auth.Auth"]}, [], tmp_path)
    assert resolved["DEFAULT_AUTHENTICATION_CLASSES"] == ["cycle_auth.Auth"]
