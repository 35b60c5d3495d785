"""restflow-spectacular installs restflow.spectacular, importable module by module, at its declared version."""

from __future__ import annotations

import importlib
import importlib.metadata
import pkgutil

import pytest

DISTRIBUTION = "restflow-spectacular"
SUBPACKAGES = ["restflow.spectacular"]


@pytest.mark.parametrize("name", SUBPACKAGES)
def test_subpackage_and_all_its_modules_import(name: str) -> None:
    package = importlib.import_module(name)
    for info in pkgutil.walk_packages(package.__path__, prefix=f"{name}."):
        importlib.import_module(info.name)


def test_version_equals_the_installed_distribution_version() -> None:
    from restflow.spectacular.__about__ import __version__

    assert __version__ == importlib.metadata.version(DISTRIBUTION)


def test_restflow_stays_a_namespace_package() -> None:
    import restflow

    assert getattr(restflow, "__file__", None) is None
