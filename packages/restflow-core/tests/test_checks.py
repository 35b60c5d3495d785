"""System checks: restflow_core.E001 (namespace broken by a stray __init__.py), E002 (settings)."""

from __future__ import annotations

import os
import textwrap
import types
from pathlib import Path

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

import restflow
import restflow.core
import restflow.settings as rf_settings
from restflow.settings.checks import (
    NAMESPACE_ERROR,
    SETTINGS_ERROR,
    check_namespace,
    check_namespace_package,
    check_settings,
)
from testsupport.processes import python


def _write_distribution(site: Path, name: str, files: list[str]) -> None:
    """Create a minimal installed-distribution record (dist-info) in ``site``."""
    info = site / f"{name.replace('-', '_')}-0.9.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.9.0\n")
    (info / "RECORD").write_text("".join(f"{file},,\n" for file in files))


def _stray_package(site: Path) -> Path:
    init = site / "restflow" / "__init__.py"
    init.parent.mkdir(parents=True)
    init.write_text('"""A single-package library that also imports as restflow."""\n')
    return init


def _fake_restflow(init: Path) -> types.ModuleType:
    module = types.ModuleType("restflow")
    module.__file__ = str(init)
    return module


@pytest.fixture(autouse=True)
def isolated_sections(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rf_settings, "_SECTIONS", dict(rf_settings._SECTIONS))


# -- restflow_core.E001 --------------------------------------------------------------


def test_the_installed_restflow_is_a_namespace() -> None:
    assert getattr(restflow, "__file__", None) is None
    assert check_namespace_package(restflow) == []
    assert check_namespace() == []


def test_a_regular_restflow_package_is_an_error_naming_the_file(tmp_path: Path) -> None:
    init = _stray_package(tmp_path)
    errors = check_namespace_package(_fake_restflow(init))
    assert len(errors) == 1
    error = errors[0]
    assert isinstance(error, checks.Error)
    assert error.id == NAMESPACE_ERROR == "restflow_core.E001"
    assert str(init) in error.msg
    assert "namespace package" in error.msg
    assert error.hint is not None and "delete it" in error.hint
    assert "pip uninstall" not in error.hint


def test_the_owning_distribution_is_named_with_an_uninstall_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    init = _stray_package(tmp_path)
    _write_distribution(tmp_path, "drf-restflow", ["restflow/__init__.py", "restflow/views.py"])
    _write_distribution(tmp_path, "innocent-bystander", ["innocent/__init__.py"])
    monkeypatch.syspath_prepend(str(tmp_path))
    (error,) = check_namespace_package(_fake_restflow(init))
    assert error.hint is not None
    assert "'drf-restflow'" in error.hint
    assert "pip uninstall drf-restflow" in error.hint


def test_a_distribution_listing_another_copy_of_the_file_is_not_blamed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    _write_distribution(elsewhere, "drf-restflow", ["restflow/__init__.py"])
    monkeypatch.syspath_prepend(str(elsewhere))
    init = _stray_package(tmp_path / "site")
    (error,) = check_namespace_package(_fake_restflow(init))
    assert error.hint is not None and "drf-restflow" not in error.hint


# -- restflow_core.E002 --------------------------------------------------------------


def test_valid_settings_give_no_error() -> None:
    rf_settings.register_section("DEMO", defaults={"TIMEOUT": 1}, types={"TIMEOUT": int})
    with override_settings(RESTFLOW_SETTINGS={"DEMO": {"TIMEOUT": 3}, "JWT": {}}):
        assert check_settings() == []


def test_each_settings_problem_is_an_error_naming_the_key() -> None:
    rf_settings.register_section("DEMO", defaults={"TIMEOUT": 1}, types={"TIMEOUT": int})
    config = {"DEMO": {"TIMEOUT": "3", "TIMEOUTS": 1}, "FOO": {}}
    with override_settings(RESTFLOW_SETTINGS=config):
        errors = check_settings()
    assert [error.id for error in errors] == [SETTINGS_ERROR] * 3
    assert all(isinstance(error, checks.Error) for error in errors)
    messages = sorted(error.msg for error in errors)
    assert messages == [
        "RESTFLOW_SETTINGS has an unknown section 'FOO'; known: CACHE, DEMO, JWT, SCHEMA",
        "RESTFLOW_SETTINGS['DEMO'] has an unknown key 'TIMEOUTS' (did you mean 'TIMEOUT'?); "
        "known keys: TIMEOUT",
        "RESTFLOW_SETTINGS['DEMO']['TIMEOUT'] must be int, got str",
    ]


def test_a_non_dict_setting_is_one_error() -> None:
    with override_settings(RESTFLOW_SETTINGS=["JWT"]):
        (error,) = check_settings()
    assert error.id == SETTINGS_ERROR
    assert error.msg == "RESTFLOW_SETTINGS must be a dict, got list"


# -- registration with Django ----------------------------------------------------------


def test_checks_are_registered_under_the_restflow_tag() -> None:
    registered = checks.registry.registry.get_checks()
    assert check_namespace in registered and check_settings in registered
    assert checks.registry.registry.tag_exists("restflow")


def test_manage_py_check_fails_on_invalid_settings() -> None:
    with (
        override_settings(RESTFLOW_SETTINGS={"FOO": {}}),
        pytest.raises(SystemCheckError, match=r"restflow_core\.E002.*unknown section 'FOO'"),
    ):
        call_command("check", tags=["restflow"])
    call_command("check", tags=["restflow"])  # and passes once fixed


# -- end to end: a real stray restflow/__init__.py ------------------------------------

_CHECK_SCRIPT = textwrap.dedent(
    """
    import django
    from django.conf import settings

    settings.configure(
        SECRET_KEY="e2e",
        INSTALLED_APPS=[
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "restflow.core",
        ],
    )
    django.setup()

    import restflow
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    print("RESTFLOW_FILE", restflow.__file__)
    try:
        call_command("check")
    except SystemCheckError as exc:
        print(exc)
    else:
        print("NO ERRORS")
    """
)


def test_a_stray_init_breaks_the_namespace_and_manage_py_check_says_so(tmp_path: Path) -> None:
    site = tmp_path / "site"
    init = _stray_package(site)
    real = Path(restflow.core.__file__).resolve().parent.parent
    for sub in (
        "core",
        "asynccache",
        "exceptions",
        "parsers",
        "permissions",
        "settings",
        "typemap",
    ):
        if (real / sub).is_dir():
            (site / "restflow" / sub).symlink_to(real / sub, target_is_directory=True)
    _write_distribution(site, "drf-restflow", ["restflow/__init__.py"])

    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = os.pathsep.join([str(site), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    output = python(_CHECK_SCRIPT, env=env, cwd=tmp_path)
    assert f"RESTFLOW_FILE {init}" in output
    assert "restflow_core.E001" in output
    assert str(init) in output
    assert "pip uninstall drf-restflow" in output


def test_without_the_stray_init_the_same_project_checks_clean(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    output = python(_CHECK_SCRIPT, env=env, cwd=tmp_path)
    assert "RESTFLOW_FILE None" in output
    assert "NO ERRORS" in output
