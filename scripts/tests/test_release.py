"""Releasing one distribution leaves every other one untouched."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import releases
from synthetic import commit_with_release_tags

SCRIPTS = Path(__file__).resolve().parent.parent
REPO = SCRIPTS.parent
OTHERS = [
    "restflow-core",
    "restflow-cache",
    "restflow-jwt",
    "restflow-views",
    "restflow-spectacular",
]


def _version(root: Path, package: str) -> str:
    for about in (root / "packages" / package).rglob("__about__.py"):
        found = re.search(r'__version__\s*=\s*"([^"]+)"', about.read_text())
        assert found is not None
        return found.group(1)
    raise AssertionError(f"no __about__.py in {package}")


def _run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, check=False
    )


def _script(name: str, *args: str | Path, root: Path) -> subprocess.CompletedProcess[str]:
    return _run(sys.executable, SCRIPTS / name, *args, "--root", root, cwd=root)


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A git repository holding a copy of every package's sources, with the release tags."""
    ignore = shutil.ignore_patterns("__pycache__", ".pytest_cache", "*.pyc", ".mypy_cache")
    shutil.copytree(REPO / "packages", tmp_path / "packages", ignore=ignore)
    commit_with_release_tags(tmp_path)
    return tmp_path


def test_bumping_filters_alone_fails_the_pin_check_until_the_meta_is_repinned(
    checkout: Path,
) -> None:
    before = {package: _version(checkout, package) for package in [*OTHERS, "restflow"]}
    bumped = _script("bump.py", "restflow-filters", "minor", "--no-meta", root=checkout)
    assert bumped.returncode == 0, bumped.stderr
    assert _version(checkout, "restflow-filters") == "0.2.0"
    assert {package: _version(checkout, package) for package in before} == before

    check = _script("pins.py", "check", root=checkout)
    assert check.returncode == 1
    assert "restflow-filters" in check.stdout

    assert _script("pins.py", "sync", root=checkout).returncode == 0
    check = _script("pins.py", "check", root=checkout)
    assert check.returncode == 0, check.stdout
    meta = (checkout / "packages" / "restflow" / "pyproject.toml").read_text()
    assert "restflow-filters==0.2.0" in meta


@pytest.mark.skipif(shutil.which("hatch") is None, reason="needs hatch (pip install hatch)")
def test_release_builds_verifies_commits_and_tags_only_its_distribution(checkout: Path) -> None:
    tagged = set(_run("git", "tag", "--list", cwd=checkout).stdout.split())
    others = {package: _version(checkout, package) for package in OTHERS}
    result = _script("release.py", "filters", "patch", "--tag", "--no-isolation", root=checkout)
    assert result.returncode == 0, result.stdout + result.stderr
    tags = set(_run("git", "tag", "--list", cwd=checkout).stdout.split())
    assert tags - tagged == {"restflow-filters-v0.1.1"}
    assert _version(checkout, "restflow-filters") == "0.1.1"
    assert {package: _version(checkout, package) for package in OTHERS} == others
    assert sorted(path.name for path in (checkout / "dist").iterdir()) == [
        "restflow_filters-0.1.1-py3-none-any.whl",
        "restflow_filters-0.1.1.tar.gz",
    ]
    assert "PASSED" in result.stdout  # twine check
    status = _run("git", "status", "--porcelain", "--", "packages", cwd=checkout).stdout
    assert status == ""
    log = _run("git", "log", "-1", "--format=%s", cwd=checkout).stdout.strip()
    assert log == "Release restflow-filters 0.1.1"
    changelog = (checkout / "packages" / "restflow-filters" / "CHANGELOG.md").read_text()
    assert "## [0.1.1] - " in changelog
    tagged = _run(
        "git", "rev-parse", "restflow-filters-v0.1.1:packages/restflow-filters", cwd=checkout
    )
    assert releases.load(checkout)["restflow-filters"]["0.1.1"] == tagged.stdout.strip()
    assert releases.problems(checkout) == []


@pytest.mark.skipif(shutil.which("hatch") is None, reason="needs hatch (pip install hatch)")
def test_a_minor_release_of_core_goes_with_wider_caps_released_by_each_dependent(
    checkout: Path,
) -> None:
    bumped = _script("bump.py", "restflow-core", "minor", root=checkout)
    assert bumped.returncode == 0 and "excludes 0.2.0" in bumped.stderr
    refused = _script("release.py", "core", "--no-isolation", root=checkout)
    assert refused.returncode != 0 and "does not admit the current restflow-core 0.2.0" in (
        refused.stdout
    )

    dependents = ["restflow-cache", "restflow-filters", "restflow-jwt", "restflow-views"]
    for package in [*dependents, "restflow-spectacular"]:
        pyproject = checkout / "packages" / package / "pyproject.toml"
        pyproject.write_text(pyproject.read_text().replace("<0.2", "<0.3"))
    core = _script("release.py", "core", "--tag", "--no-isolation", root=checkout)
    assert core.returncode == 0, core.stdout + core.stderr
    views = _script("release.py", "views", "patch", "--tag", "--no-isolation", root=checkout)
    assert views.returncode == 0, views.stdout + views.stderr

    tags = _run("git", "tag", "--list", "--contains", "HEAD~1", cwd=checkout).stdout.split()
    assert tags == ["restflow-core-v0.2.0", "restflow-views-v0.1.1"]
    released = _run(
        "git", "show", "restflow-views-v0.1.1:packages/restflow-views/pyproject.toml", cwd=checkout
    ).stdout
    assert re.search(r'"restflow-core>=0\.1\.\d+,<0\.3"', released)  # the wider cap
    again = _script("release.py", "core", "--no-isolation", root=checkout)
    assert again.returncode != 0 and "restflow-core-v0.2.0 exists already" in again.stderr
