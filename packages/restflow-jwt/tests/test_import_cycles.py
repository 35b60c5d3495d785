"""restflow's authentication classes work when DRF's settings name them.

``rest_framework.views`` imports ``DEFAULT_AUTHENTICATION_CLASSES`` while it
loads (``APIView``'s class body reads them), so those modules must not import
``rest_framework.views`` back. Each case runs in a fresh interpreter, since in
this one every module is already imported.
"""

from __future__ import annotations

from typing import Any

import pytest

from testsupport.processes import BASE_APPS, fresh_django

_BODY = """
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

class Private(APIView):
    def get(self, request):
        return Response({"user": str(request.user)})

response = Private.as_view()(APIRequestFactory().get("/"))
print(json.dumps({
    "settings": [name(item) for item in api_settings.DEFAULT_AUTHENTICATION_CLASSES],
    "APIView": [name(item) for item in APIView.authentication_classes],
    "permissions": [name(item) for item in APIView.permission_classes],
    "response": [response.status_code, response.get("WWW-Authenticate")],
}))
"""

JWT = {
    "RESTFLOW_SETTINGS": {"JWT": {"SIGNING_KEY": "import-cycle-test-signing-key-0123456789abcdef"}}
}
APPS = {
    "core": [*BASE_APPS, "restflow.core"],
    "core+jwt": [*BASE_APPS, "restflow.core", "restflow.authentication"],
}
ORDERS = {
    "drf-first": [],
    "dispatch-first": ["restflow.core.dispatch"],
    "class-first": ["restflow.authentication.jwt_authentication"],
}
CLASSES = {
    "JWTAuthentication": "restflow.authentication.jwt_authentication.JWTAuthentication",
    "BasicAuthentication": "restflow.authentication.standard.BasicAuthentication",
    "SessionAuthentication": "restflow.authentication.standard.SessionAuthentication",
    "TokenAuthentication": "restflow.authentication.standard.TokenAuthentication",
    "RemoteUserAuthentication": "restflow.authentication.standard.RemoteUserAuthentication",
}


def _run(apps: list[str], rest_framework: dict[str, Any], first: list[str]) -> dict[str, Any]:
    return dict(
        fresh_django(_BODY, rest_framework=rest_framework, first=first, apps=apps, settings=JWT)
    )


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("apps", APPS)
def test_jwt_authentication_as_the_default_authentication_class(apps: str, order: str) -> None:
    result = _run(
        APPS[apps],
        {
            "DEFAULT_AUTHENTICATION_CLASSES": ["restflow.authentication.JWTAuthentication"],
            "DEFAULT_PERMISSION_CLASSES": ["restflow.permissions.IsAuthenticated"],
            "EXCEPTION_HANDLER": "restflow.exceptions.exception_handler",
        },
        ORDERS[order],
    )
    assert result["settings"] == result["APIView"] == [CLASSES["JWTAuthentication"]]
    assert result["permissions"] == ["restflow.permissions.standard.IsAuthenticated"]
    status, challenge = result["response"]
    assert status == 401
    assert challenge.startswith("Bearer")


@pytest.mark.parametrize("public", sorted(CLASSES))
def test_each_authentication_class_as_the_default(public: str) -> None:
    result = _run(
        APPS["core+jwt"],
        {"DEFAULT_AUTHENTICATION_CLASSES": [f"restflow.authentication.{public}"]},
        [],
    )
    assert result["settings"] == result["APIView"] == [CLASSES[public]]
    assert result["response"][0] == 200


_LOADED = """
before = "rest_framework.views" in sys.modules  # after set-up, before the classes
for path in json.loads(sys.argv[2]):
    module, _, attr = path.rpartition(".")
    getattr(importlib.import_module(module), attr)
print(json.dumps([before, "rest_framework.views" in sys.modules]))
"""


def test_the_authentication_classes_do_not_load_drf_views() -> None:
    """What keeps the cycle away: naming a class loads no module that imports DRF's views."""
    public = [f"restflow.authentication.{name}" for name in sorted(CLASSES)]
    assert fresh_django(_LOADED, public, apps=APPS["core+jwt"], settings=JWT) == [False, False]
