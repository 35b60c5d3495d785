"""The meta-package pins every distribution at exactly its current version, extras included."""

from __future__ import annotations

import importlib
import importlib.metadata as md
import re
from pathlib import Path

import pytest
from packaging.requirements import Requirement

META = Path(__file__).resolve().parent.parent
# distribution -> the subpackage whose __about__.py holds its version
VERSION_SOURCES = {
    "restflow-core": "restflow.core",
    "restflow-filters": "restflow.filters",
    "restflow-cache": "restflow.caching",
    "restflow-jwt": "restflow.authentication",
    "restflow-views": "restflow.views",
    "restflow-spectacular": "restflow.spectacular",
}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def meta_requirements() -> list[Requirement]:
    return [Requirement(line) for line in md.requires("restflow") or []]


def exact_pin(req: Requirement) -> str:
    (spec,) = req.specifier
    assert spec.operator == "==", f"the meta-package pins exactly, not {req}"
    return spec.version


def about_version(distribution: str) -> str:
    return importlib.import_module(f"{VERSION_SOURCES[distribution]}.__about__").__version__


def test_meta_version_equals_its_about_file() -> None:
    text = (META / "__about__.py").read_text(encoding="utf-8")
    match = re.search(r"""__version__\s*=\s*["']([^"']+)["']""", text)
    assert match
    assert md.version("restflow") == match.group(1)


def test_meta_requires_all_six_distributions_unconditionally() -> None:
    required = {canonical(r.name) for r in meta_requirements() if r.marker is None}
    assert required == set(VERSION_SOURCES)


@pytest.mark.parametrize("distribution", sorted(VERSION_SOURCES))
def test_pin_equals_the_package_version(distribution: str) -> None:
    (req,) = [
        r for r in meta_requirements() if r.marker is None and canonical(r.name) == distribution
    ]
    assert exact_pin(req) == about_version(distribution) == md.version(distribution)


def test_every_extra_passes_through_at_the_pinned_version() -> None:
    extras = [r for r in meta_requirements() if r.marker is not None]
    assert extras, "the meta-package passes no extras through"
    for req in extras:
        name = canonical(req.name)
        assert name in VERSION_SOURCES, f"extra requirement {req} is not a restflow distribution"
        assert exact_pin(req) == about_version(name)
        declared = md.metadata(name).get_all("Provides-Extra") or []
        assert set(req.extras) <= set(declared), f"{req}: {name} declares only {declared}"


def test_every_package_extra_is_offered_by_the_meta_package() -> None:
    offered = {(canonical(r.name), extra) for r in meta_requirements() for extra in r.extras}
    for distribution in VERSION_SOURCES:
        for extra in md.metadata(distribution).get_all("Provides-Extra") or []:
            assert (distribution, extra) in offered, (
                f"restflow has no extra for {distribution}[{extra}]"
            )
