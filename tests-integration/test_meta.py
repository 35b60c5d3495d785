"""The meta-package installs every distribution at exactly the version it pins."""

from __future__ import annotations

import importlib.metadata as md
import re

import pytest
from packaging.requirements import Requirement

pytestmark = pytest.mark.requires("restflow")


def restflow_pins() -> dict[str, str]:
    pins = {}
    for line in md.requires("restflow") or []:
        req = Requirement(line)
        name = re.sub(r"[-_.]+", "-", req.name).lower()
        if name.startswith("restflow-") and req.marker is None:
            (spec,) = req.specifier
            assert spec.operator == "==", f"the meta-package must pin exactly: {line}"
            pins[name] = spec.version
    return pins


def test_meta_pins_every_distribution() -> None:
    assert sorted(restflow_pins()) == [
        "restflow-cache",
        "restflow-core",
        "restflow-filters",
        "restflow-jwt",
        "restflow-spectacular",
        "restflow-views",
    ]


def test_installed_versions_equal_the_meta_pins() -> None:
    installed = {name: md.version(name) for name in restflow_pins()}
    assert installed == restflow_pins()
