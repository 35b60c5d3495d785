"""pins.py and bump.py against a copy of the repository's package metadata."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from _repo import Requirement, admits, repin_meta
from bump import BumpError, next_version
from synthetic import copy_metadata

SCRIPTS = Path(__file__).resolve().parent.parent
DATE = "2030-01-31"


def _snapshot(root: Path) -> dict[str, str]:
    files = (p for p in sorted(root.rglob("*")) if p.is_file() and ".git" not in p.parts)
    return {str(p.relative_to(root)): p.read_text() for p in files}


def _run(script: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPTS / script), *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
    )


def _version(root: Path, package: str) -> str:
    for about in (root / "packages" / package).rglob("__about__.py"):
        return re.search(r'__version__\s*=\s*"([^"]+)"', about.read_text()).group(1)
    raise AssertionError(f"no __about__.py in {package}")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    copy_metadata(tmp_path)
    return tmp_path


def _add_unreleased(root: Path, package: str, entry: str) -> None:
    changelog = root / "packages" / package / "CHANGELOG.md"
    text = changelog.read_text()
    assert "## [Unreleased]" in text
    changelog.write_text(text.replace("## [Unreleased]\n", f"## [Unreleased]\n\n{entry}\n", 1))


def test_pins_check_passes_on_the_repository_metadata(repo: Path) -> None:
    result = _run("pins.py", "check", "--root", repo)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "pins check passed" in result.stdout


def test_bump_filters_changes_only_its_version_changelog_and_the_meta_pin(repo: Path) -> None:
    _add_unreleased(repo, "restflow-filters", "- Added the `in` lookup.")
    old = _version(repo, "restflow-filters")
    major, minor, _ = map(int, old.split("."))
    new = f"{major}.{minor + 1}.0"
    before = _snapshot(repo)

    result = _run("bump.py", "restflow-filters", "minor", "--date", DATE, "--root", repo)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"restflow-filters: {old} -> {new}" in result.stdout
    after = _snapshot(repo)

    changed = {path for path in after if after[path] != before.get(path)}
    assert changed == {
        "packages/restflow-filters/src/restflow/filters/__about__.py",
        "packages/restflow-filters/CHANGELOG.md",
        "packages/restflow/pyproject.toml",
        "packages/restflow/CHANGELOG.md",
    }
    assert set(after) == set(before)  # nothing created or deleted
    assert _version(repo, "restflow-filters") == new

    changelog = after["packages/restflow-filters/CHANGELOG.md"]
    unreleased, rest = changelog.split("## [Unreleased]", 1)[1].split(f"## [{new}] - {DATE}", 1)
    assert unreleased.strip() == ""  # an empty Unreleased section stays on top
    released = rest.split("\n## ", 1)[0].strip()
    unreleased_before = before["packages/restflow-filters/CHANGELOG.md"]
    unreleased_before = unreleased_before.split("## [Unreleased]", 1)[1].split("\n## [", 1)[0]
    assert released == unreleased_before.strip()  # every Unreleased line moved, in order
    assert released.startswith("- Added the `in` lookup.")

    # The meta pyproject changed only on the restflow-filters lines, all now at the new version.
    old_lines = before["packages/restflow/pyproject.toml"].splitlines()
    new_lines = after["packages/restflow/pyproject.toml"].splitlines()
    assert len(old_lines) == len(new_lines)
    diffs = [(a, b) for a, b in zip(old_lines, new_lines, strict=True) if a != b]
    assert diffs and all("restflow-filters" in a and a.replace(old, new) == b for a, b in diffs)
    meta = tomllib.loads(after["packages/restflow/pyproject.toml"])["project"]
    assert f"restflow-filters=={new}" in meta["dependencies"]
    assert f"restflow-filters[postgres]=={new}" in meta["optional-dependencies"]["postgres"]

    meta_unreleased = (
        after["packages/restflow/CHANGELOG.md"].split("## [Unreleased]", 1)[1].split("\n## ", 1)[0]
    )
    assert f"restflow-filters=={new}" in meta_unreleased

    check = _run("pins.py", "check", "--root", repo)
    assert check.returncode == 0, check.stdout


def test_changing_a_version_without_the_pin_fails_the_check(repo: Path) -> None:
    about = repo / "packages/restflow-filters/src/restflow/filters/__about__.py"
    about.write_text(re.sub(r'"[^"]+"', '"9.9.9"', about.read_text()))
    result = _run("pins.py", "check", "--root", repo)
    assert result.returncode == 1
    assert "restflow-filters" in result.stdout and "9.9.9" in result.stdout


def test_a_sibling_range_that_excludes_the_current_version_fails_the_check(repo: Path) -> None:
    pyproject = repo / "packages/restflow-filters/pyproject.toml"
    text = pyproject.read_text()
    narrowed = re.sub(r'"restflow-core[^"]*"', '"restflow-core<0.0.1"', text, count=1)
    assert narrowed != text
    pyproject.write_text(narrowed)
    check = _run("pins.py", "check", "--root", repo)
    assert check.returncode == 1
    assert (
        "restflow-filters" in check.stdout
        and "does not admit the current restflow-core" in check.stdout
    )


def test_bump_warns_when_a_sibling_range_excludes_the_new_version(repo: Path) -> None:
    pyproject = repo / "packages/restflow-views/pyproject.toml"
    core = _version(repo, "restflow-core")
    pyproject.write_text(
        re.sub(
            r'"restflow-core[^"]*"', f'"restflow-core=={core}.*"', pyproject.read_text(), count=1
        )
    )
    result = _run("bump.py", "restflow-core", "patch", "--date", DATE, "--root", repo)
    assert result.returncode == 0, result.stderr
    assert "restflow-views requires restflow-core" in result.stderr and "excludes" in result.stderr
    assert pyproject.read_text().count(f"=={core}.*") == 1  # bump leaves other packages untouched


def test_dry_run_writes_nothing(repo: Path) -> None:
    before = _snapshot(repo)
    result = _run("bump.py", "filters", "patch", "--dry-run", "--date", DATE, "--root", repo)
    assert result.returncode == 0, result.stderr
    assert "+++ b/packages/restflow/pyproject.toml" in result.stdout
    assert _snapshot(repo) == before


def test_bumping_the_meta_package_bumps_only_its_version(repo: Path) -> None:
    before = _snapshot(repo)
    result = _run("bump.py", "restflow", "patch", "--date", DATE, "--root", repo)
    assert result.returncode == 0, result.stderr
    after = _snapshot(repo)
    changed = {path for path in after if after[path] != before[path]}
    assert changed == {"packages/restflow/__about__.py", "packages/restflow/CHANGELOG.md"}
    assert _run("pins.py", "check", "--root", repo).returncode == 0


def test_unknown_distribution_is_an_error(repo: Path) -> None:
    result = _run("bump.py", "restflow-nope", "patch", "--root", repo)
    assert result.returncode == 1
    assert "unknown distribution" in result.stderr


@pytest.mark.parametrize(
    ("version", "part", "expected"),
    [("0.1.0", "patch", "0.1.1"), ("0.1.9", "minor", "0.2.0"), ("1.4.2", "major", "2.0.0")],
)
def test_next_version(version: str, part: str, expected: str) -> None:
    assert next_version(version, part) == expected


@pytest.mark.parametrize(
    ("spec", "version", "ok"),
    [
        (">=0.1,<1", "0.1.0", True),
        (">=0.1,<1", "0.9.4", True),
        (">=0.1,<1", "1.0.0", False),
        ("~=1.2", "1.9", True),
        ("~=1.2", "2.0", False),
        ("==1.2.*", "1.2.7", True),
        ("==0.1.0", "0.1", True),
        (">=1.0", "1.0rc1", False),
        (">=0.1", "0.2.0rc1", True),  # a pre-release of our own is admitted when in range
    ],
)
def test_a_requirement_admits_the_versions_its_range_does(
    spec: str, version: str, ok: bool
) -> None:
    assert admits(Requirement(f"restflow-core{spec}"), version) is ok


@pytest.mark.parametrize("version", ["1.2", "1.2.3rc1", "1.2.3.post1", "v1.2.3", "1.2.x"])
def test_next_version_refuses_anything_but_x_y_z(version: str) -> None:
    with pytest.raises(BumpError, match=r"X\.Y\.Z"):
        next_version(version, "patch")


def test_repin_meta_rewrites_only_exact_pins_of_that_distribution() -> None:
    text = (
        'dependencies = ["restflow-core==0.1.0", "Restflow_Core[x] == 0.1.0 ; python_version>\'3\'",\n'
        '  "restflow-core>=0.1", "restflow-corex==0.1.0", "restflow-filters==0.1.0"]\n'
        "# restflow-core==0.1.0 in a comment is not a quoted pin\n"
    )
    new, count = repin_meta(text, "restflow-core", "0.2.0")
    assert count == 2
    assert new == (
        'dependencies = ["restflow-core==0.2.0", "Restflow_Core[x] ==0.2.0 ; python_version>\'3\'",\n'
        '  "restflow-core>=0.1", "restflow-corex==0.1.0", "restflow-filters==0.1.0"]\n'
        "# restflow-core==0.1.0 in a comment is not a quoted pin\n"
    )
