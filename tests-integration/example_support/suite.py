"""The guard of a suite that serves a project over HTTP (test_example.py, test_hostile.py).

Such a suite needs modules only its own hatch environment installs. Elsewhere it skips
itself; in its environment (``<FLAG>=required``) a missing module fails every test instead.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterable
from dataclasses import dataclass

import pytest


@dataclass(frozen=True)
class ServedSuite:
    """Which modules a served-project suite lacks, and the environment that promises them."""

    environment: str
    missing: tuple[str, ...]

    def require(self) -> None:
        """Fail the calling test when a promised module does not import."""
        if self.missing:
            pytest.fail(
                f"the {self.environment} environment promises {', '.join(self.missing)}, "
                "which do not import",
                pytrace=False,
            )


EXAMPLE_MODULES = (
    "uvicorn",
    "drf_spectacular_sidecar",
    "restflow.views",
    "restflow.filters",
    "restflow.caching",
    "restflow.authentication",
    "restflow.spectacular",
)
"""What serving docs/example takes: every restflow package, uvicorn, the Swagger UI assets."""


def served_suite(environment: str, flag: str, needed: Iterable[str]) -> ServedSuite:
    """Check :data:`EXAMPLE_MODULES` and ``needed``; skip the calling module unless ``flag``
    says ``environment`` runs it."""
    wanted = (*EXAMPLE_MODULES, *needed)
    missing = tuple(name for name in wanted if importlib.util.find_spec(name) is None)
    if missing and os.environ.get(flag, "").lower() != "required":
        pytest.skip(
            f"these tests run in the {environment} hatch environment "
            f"(hatch run {environment}.py3.11-django5.2:test)",
            allow_module_level=True,
        )
    return ServedSuite(environment, missing)
