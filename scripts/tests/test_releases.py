"""scripts/releases.py: each release is found through its tag or packages/releases.toml."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import releases
from _repo import load_distributions
from synthetic import commit_with_release_tags, committed_core_release, git

SCRIPTS = Path(__file__).resolve().parent.parent
REPO = SCRIPTS.parent


def _repository(root: Path, how: str) -> Path:
    committed_core_release(root, how)
    return root


@pytest.mark.parametrize("how", ["tagged", "recorded"])
def test_the_release_tree_is_the_released_directory(tmp_path: Path, how: str) -> None:
    root = _repository(tmp_path, how)
    core = load_distributions(root)["restflow-core"]
    (core.directory / "src/restflow/core/old.py").unlink()  # changed since the release

    tree = releases.release_tree(root, core, "0.1.0")

    assert tree == git(root, "rev-parse", "HEAD:packages/restflow-core").strip()
    assert git(root, "show", f"{tree}:src/restflow/core/old.py") == "GONE = 1\n"
    assert releases.release_tree(root, core, "0.2.0") is None
    assert releases.is_released(root, core, "0.1.0")
    assert not releases.is_released(root, core, "0.2.0")


def test_a_tag_missing_from_the_record_is_a_problem_until_recorded(tmp_path: Path) -> None:
    root = _repository(tmp_path, "tagged")
    (problem,) = releases.problems(root)
    assert "tag restflow-core-v0.1.0 is not in packages/releases.toml" in problem

    assert releases.record_tags(root) == ["restflow-core-v0.1.0"]
    assert releases.problems(root) == []
    assert releases.record_tags(root) == []  # recorded once


def test_a_record_that_contradicts_its_tag_or_names_no_tree_here_is_a_problem(
    tmp_path: Path,
) -> None:
    root = _repository(tmp_path, "tagged")
    other = git(root, "rev-parse", "HEAD:packages/restflow-core/src").strip()
    releases.record_release(root, "restflow-core", "0.1.0", other)
    (problem,) = releases.problems(root)
    assert f"restflow-core 0.1.0 is tree {other}, but its tag restflow-core-v0.1.0 has" in problem

    git(root, "tag", "-d", "restflow-core-v0.1.0")
    releases.record_release(root, "restflow-core", "0.1.0", "0" * 40)
    (problem,) = releases.problems(root)
    assert f"restflow-core 0.1.0's tree {'0' * 40} is not in this repository" in problem


def test_the_record_is_sorted_by_distribution_and_version(tmp_path: Path) -> None:
    (tmp_path / "packages").mkdir()
    for name, version in [("restflow-views", "0.10.0"), ("restflow-core", "0.1.0")]:
        releases.record_release(tmp_path, name, version, "a" * 40)
    releases.record_release(tmp_path, "restflow-views", "0.9.0", "b" * 40)
    assert releases.load(tmp_path) == {
        "restflow-core": {"0.1.0": "a" * 40},
        "restflow-views": {"0.9.0": "b" * 40, "0.10.0": "a" * 40},
    }
    text = (tmp_path / releases.RECORD).read_text()
    assert text.index("[restflow-core]") < text.index("[restflow-views]")
    assert text.index('"0.9.0"') < text.index('"0.10.0"')


def test_this_repository_records_every_tag_it_has() -> None:
    assert releases.problems(REPO) == []
    tags = git(REPO, "tag", "--list", "restflow*-v*").split()
    recorded = {releases.tag_name(n, v) for n, vs in releases.load(REPO).items() for v in vs}
    assert set(tags) <= recorded  # a clone without tags has none: the record has them all


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_clone_without_tags_passes_the_pin_check(tmp_path: Path) -> None:
    """What CI gets (a bundle of the branch carries no tags): every floor is still checked
    against its release."""
    source = tmp_path / "source"
    ignore = shutil.ignore_patterns("__pycache__", ".pytest_cache", "*.pyc", ".mypy_cache")
    shutil.copytree(REPO / "packages", source / "packages", ignore=ignore)
    commit_with_release_tags(source)
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--no-tags", str(source), str(clone))
    assert git(clone, "tag", "--list") == ""

    check = subprocess.run(
        [sys.executable, SCRIPTS / "pins.py", "check", "--root", clone],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stdout
    assert "their floors are releases" in check.stdout
