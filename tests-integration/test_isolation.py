"""Exactly the promised restflow packages are installed: never skipped, in every combination.

``RESTFLOW_EXPECT`` (set by the combination's hatch environment) names the
restflow distributions that must be present; every ``restflow.<sub>`` they
ship must import, every other one must be absent, ``restflow`` must stay a
PEP 420 namespace, and each distribution's installed version must equal its
``__about__.__version__``.
"""

from __future__ import annotations

import importlib
import importlib.metadata as md
import importlib.util
import re
from pathlib import Path

import pytest

from combo_support import SUBPACKAGES, expected
from testsupport.distribution import assert_namespace

REPO = Path(__file__).resolve().parent.parent
EXPECT = expected()
ALL_SUBPACKAGES = sorted({sub for subs in SUBPACKAGES.values() for sub in subs})
EXPECTED_SUBPACKAGES = sorted({sub for short in EXPECT for sub in SUBPACKAGES.get(short, ())})


def dist_name(short: str) -> str:
    return "restflow" if short == "meta" else f"restflow-{short}"


def installed_restflow_distributions() -> dict[str, str]:
    found = {}
    for dist in md.distributions():
        name = re.sub(r"[-_.]+", "-", dist.metadata["Name"] or "").lower()
        if name == "restflow" or name.startswith("restflow-"):
            found[name] = dist.version
    return found


def test_the_combination_says_what_it_expects() -> None:
    assert EXPECT, "RESTFLOW_EXPECT is not set: run through a hatch it-* environment"
    unknown = [short for short in EXPECT if short not in SUBPACKAGES]
    assert not unknown, (
        f"RESTFLOW_EXPECT names unknown distributions {unknown}; known: {sorted(SUBPACKAGES)}"
    )


def test_expected_subpackages_import() -> None:
    failed = {}
    for sub in EXPECTED_SUBPACKAGES:
        try:
            importlib.import_module(f"restflow.{sub}")
        except ImportError as exc:
            failed[sub] = str(exc)
    assert not failed, f"expected restflow subpackages do not import: {failed}"


def test_other_subpackages_are_absent() -> None:
    present = [
        sub
        for sub in ALL_SUBPACKAGES
        if sub not in EXPECTED_SUBPACKAGES
        and importlib.util.find_spec(f"restflow.{sub}") is not None
    ]
    assert not present, (
        f"restflow.{', restflow.'.join(present)} importable although RESTFLOW_EXPECT={','.join(EXPECT)}"
    )


def test_restflow_is_a_namespace_package() -> None:
    assert_namespace()


def test_exactly_the_expected_distributions_are_installed() -> None:
    assert sorted(installed_restflow_distributions()) == sorted(dist_name(s) for s in EXPECT)


@pytest.mark.parametrize("short", [s for s in SUBPACKAGES if s != "meta"])
def test_installed_version_equals_about_version(short: str) -> None:
    if short not in EXPECT:
        assert not any(n == dist_name(short) for n in installed_restflow_distributions())
        return
    about = importlib.import_module(f"restflow.{SUBPACKAGES[short][0]}.__about__")
    assert md.version(dist_name(short)) == about.__version__


def test_meta_package_version_equals_its_about_file() -> None:
    if "meta" not in EXPECT:
        assert "restflow" not in installed_restflow_distributions()
        return
    text = (REPO / "packages" / "restflow" / "__about__.py").read_text(encoding="utf-8")
    match = re.search(r"""__version__\s*=\s*["']([^"']+)["']""", text)
    assert match, "packages/restflow/__about__.py has no __version__"
    assert md.version("restflow") == match.group(1)
