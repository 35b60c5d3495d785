"""restflow-core inside each combination: system checks, module imports, the async loop on DRF."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django.core.checks import ERROR, run_checks
from django.core.exceptions import ImproperlyConfigured
from django.test import AsyncClient, override_settings

from combo_support import SUBPACKAGES, expected

pytestmark = pytest.mark.requires("restflow-core")


def test_system_checks_pass_with_every_installed_package() -> None:
    """restflow-core's checks (namespace intact, settings valid) and every app's pass together."""
    errors = [m for m in run_checks(include_deployment_checks=False) if m.level >= ERROR]
    assert errors == []


def test_every_module_of_every_installed_restflow_package_imports() -> None:
    """No module of the combination fails to import, or needs a sibling it does not declare."""
    imported: list[str] = []
    extras: list[str] = []
    refusals: list[str] = []
    for short in expected():
        for sub in SUBPACKAGES[short]:
            package = importlib.import_module(f"restflow.{sub}")
            imported.append(package.__name__)
            for info in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}."):
                try:
                    importlib.import_module(info.name)
                except ImproperlyConfigured as exc:
                    # a module that exists for an optional extra says how to install it
                    refusals.append(f"{info.name}: {exc}")
                    extras.append(info.name)
                    continue
                imported.append(info.name)
    assert "restflow.core" in imported
    assert not set(extras) & {
        "restflow.core",
        "restflow.asynccache",
        "restflow.exceptions",
        "restflow.parsers",
        "restflow.permissions",
        "restflow.settings",
        "restflow.typemap",
    }
    assert all("pip install" in refusal for refusal in refusals), refusals


async def test_async_api_view_serves_a_drf_get_through_the_asgi_handler() -> None:
    response = await AsyncClient().get("/hello/", {"name": "restflow"})
    assert response.status_code == 200
    assert response.json() == {"hello": "restflow"}


async def test_async_api_view_parses_a_drf_post() -> None:
    response = await AsyncClient().post("/hello/", {"a": 1}, content_type="application/json")
    assert response.status_code == 201
    assert response.json() == {"echo": {"a": 1}}


async def test_sync_drf_permission_refuses_anonymous_on_the_async_path() -> None:
    response = await AsyncClient().get("/private/")
    assert response.status_code in (401, 403)


@override_settings(REST_FRAMEWORK={"EXCEPTION_HANDLER": "restflow.exceptions.exception_handler"})
async def test_refusal_uses_restflow_error_envelope() -> None:
    response = await AsyncClient().get("/private/")
    assert response.status_code in (401, 403)
    error = response.json()["error"]
    assert set(error) >= {"code", "message", "details"}
