"""docs/compatibility.md's tables are hatch.toml's matrix and the pyprojects' requirements."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import compat
import pytest
from synthetic import copy_metadata

SCRIPTS = Path(__file__).resolve().parent.parent
REPO = SCRIPTS.parent
PAGE = REPO / "docs" / "compatibility.md"


def _compat(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPTS / "compat.py"), *args, "--root", str(root)],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The package metadata, hatch.toml and the page, copied."""
    copy_metadata(tmp_path)
    shutil.copy2(REPO / "hatch.toml", tmp_path / "hatch.toml")
    (tmp_path / "docs").mkdir()
    shutil.copy2(PAGE, tmp_path / "docs" / "compatibility.md")
    return tmp_path


def _row(root: Path, block: str, distribution: str) -> str:
    tables = compat.page_tables((root / "docs" / "compatibility.md").read_text())
    return next(line for line in tables[block].splitlines() if f"`{distribution}`" in line)


def test_the_page_tables_are_derived_from_hatch_toml_and_the_pyprojects() -> None:
    assert compat.page_tables(PAGE.read_text(encoding="utf-8")) == compat.render(REPO)
    assert _compat(REPO, "--check").returncode == 0


def test_a_changed_requirement_fails_the_check_until_the_tables_are_rewritten(repo: Path) -> None:
    pyproject = repo / "packages" / "restflow-core" / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace('"djangorestframework>=3.16"', '"djangorestframework>=3.17"')
    )
    checked = _compat(repo, "--check")
    assert checked.returncode == 1 and "disagrees" in checked.stdout

    assert _compat(repo, "--write").returncode == 0
    assert _compat(repo, "--check").returncode == 0
    assert "| >=3.17 ¹ |" in _row(repo, "requires", "restflow-views")


def test_a_changed_matrix_changes_the_releases_tested(repo: Path) -> None:
    hatch = repo / "hatch.toml"
    text = hatch.read_text()
    narrowed = text.replace('drf = ["3.16", "3.17", "3.18"]', 'drf = ["3.17", "3.18"]')
    assert narrowed != text
    hatch.write_text(narrowed)
    assert _compat(repo, "--check").returncode == 1
    assert _compat(repo, "--write").returncode == 0
    assert "| Python 3.11, 3.12, 3.13; DRF 3.17, 3.18 |" in _row(repo, "tested", "restflow-core")


def test_every_distribution_extra_and_service_has_a_row() -> None:
    tables = compat.page_tables(PAGE.read_text(encoding="utf-8"))
    distributions = sorted(p.parent.name for p in REPO.glob("packages/*/pyproject.toml"))
    for block in ("requires", "tested"):
        assert sorted(re.findall(r"^\| `([a-z-]+)` \|", tables[block], re.M)) == distributions
    extras = re.findall(r"^\| `(restflow-[a-z]+\[[a-z-]+\])` \|", tables["extras"], re.M)
    assert "restflow-cache[redis]" in extras and "restflow-jwt[crypto]" in extras
    services = [line.split(" | ")[0].removeprefix("| ") for line in tables["services"].splitlines()]
    assert services[2:] == list(compat.SERVICES)  # after the header and its rule


def test_the_django_6_exclusion_the_page_states_is_the_matrix() -> None:
    hatch = tomllib.loads((REPO / "hatch.toml").read_text(encoding="utf-8"))
    django6 = [
        release
        for entry in hatch["envs"]["compat"]["matrix"]
        if entry["django"] == ["6"]
        for release in entry["drf"]
    ]
    assert django6 and all(tuple(map(int, r.split("."))) >= (3, 18) for r in django6)
    assert "Django 6.1 with DRF older than 3.18 is not supported" in PAGE.read_text()
