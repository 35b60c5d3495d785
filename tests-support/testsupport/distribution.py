"""The checks every distribution's suite makes of itself, written once.

A suite subclasses :class:`DistributionChecks` in its ``test_import.py``, naming its
distribution and the ``restflow.<sub>`` packages it ships; pytest collects the inherited
tests (one import test per subpackage).
"""

from __future__ import annotations

import importlib
import importlib.metadata
import pkgutil
from typing import Any, ClassVar

__all__ = ["DistributionChecks", "assert_namespace", "import_every_module"]


def import_every_module(*packages: str) -> None:
    """Import each of ``packages`` and every module below it."""
    for name in packages:
        package = importlib.import_module(name)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{name}."):
            importlib.import_module(info.name)


def assert_namespace() -> None:
    """``restflow`` is a PEP 420 namespace: no distribution ships ``restflow/__init__.py``."""
    import restflow

    assert getattr(restflow, "__file__", None) is None, (
        f"restflow is a regular package ({restflow.__file__}); some distribution ships "
        "restflow/__init__.py (is drf-restflow installed?)"
    )
    assert not hasattr(restflow, "__version__")


class DistributionChecks:
    """Its subpackages import module by module, at the installed version, in the namespace."""

    distribution: ClassVar[str]
    """The distribution's name (``restflow-cache``)."""
    subpackages: ClassVar[tuple[str, ...]]
    """What it ships (``("restflow.caching",)``); the first one holds ``__about__``."""

    def pytest_generate_tests(self, metafunc: Any) -> None:
        if "subpackage" in metafunc.fixturenames:
            metafunc.parametrize("subpackage", self.subpackages)

    def test_subpackage_and_all_its_modules_import(self, subpackage: str) -> None:
        import_every_module(subpackage)

    def test_version_equals_the_installed_distribution_version(self) -> None:
        about = importlib.import_module(f"{self.subpackages[0]}.__about__")
        assert about.__version__ == importlib.metadata.version(self.distribution)

    def test_restflow_stays_a_namespace_package(self) -> None:
        assert_namespace()
