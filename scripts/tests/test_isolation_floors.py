"""scripts/isolation.py installs each package with its siblings at their floors."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from _repo import load_distributions
from isolation import restflow_closure, wheel_subpackages
from synthetic import committed_core_release, released_package
from wheels import wheel_name


def _wheel(path: Path, name: str, version: str, sub: str, requires: tuple[str, ...]) -> None:
    """A wheel file as hatchling writes one: ``restflow/<sub>/`` and its METADATA."""
    stem = name.replace("-", "_")
    metadata = ["Metadata-Version: 2.4", f"Name: {name}", f"Version: {version}"]
    metadata += [f"Requires-Dist: {req}" for req in requires]
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(f"restflow/{sub}/__init__.py", "")
        archive.writestr(f"{stem}-{version}.dist-info/METADATA", "\n".join(metadata) + "\n")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """restflow-core at 0.2.0 (0.1.0 released before), restflow-views and restflow-cache."""
    released_package(tmp_path, "restflow-core", "core", "0.2.0", {}, released=("0.1.0", "0.2.0"))
    released_package(tmp_path, "restflow-views", "views", "0.1.0", {})
    released_package(tmp_path, "restflow-cache", "caching", "0.1.0", {})
    return tmp_path


def _built(root: Path, views_needs: str, cache_needs: tuple[str, ...] = ()) -> Path:
    dist_dir = root / "dist"
    _wheel(dist_dir / "restflow_core-0.2.0-py3-none-any.whl", "restflow-core", "0.2.0", "core", ())
    _wheel(
        dist_dir / "floors" / "restflow_core-0.1.0-py3-none-any.whl",
        "restflow-core",
        "0.1.0",
        "core",
        (),
    )
    _wheel(
        dist_dir / "restflow_views-0.1.0-py3-none-any.whl",
        "restflow-views",
        "0.1.0",
        "views",
        (views_needs,),
    )
    _wheel(
        dist_dir / "restflow_cache-0.1.0-py3-none-any.whl",
        "restflow-cache",
        "0.1.0",
        "caching",
        cache_needs,
    )
    return dist_dir


def test_a_sibling_older_than_the_sources_is_installed_at_the_floor(repo: Path) -> None:
    dist_dir = _built(repo, "restflow-core>=0.1.0,<0.3")
    wheels, versions, problems = restflow_closure(
        "restflow-views", load_distributions(repo), dist_dir
    )
    assert problems == []
    assert versions == {"restflow-views": "0.1.0", "restflow-core": "0.1.0"}
    assert wheels["restflow-core"] == dist_dir / "floors" / "restflow_core-0.1.0-py3-none-any.whl"


def test_a_floor_at_the_current_version_uses_the_wheel_just_built(repo: Path) -> None:
    dist_dir = _built(repo, "restflow-core>=0.2.0,<0.3")
    wheels, versions, problems = restflow_closure(
        "restflow-views", load_distributions(repo), dist_dir
    )
    assert problems == [] and versions["restflow-core"] == "0.2.0"
    assert wheels["restflow-core"] == dist_dir / "restflow_core-0.2.0-py3-none-any.whl"


def test_the_highest_floor_among_the_requirers_wins(repo: Path) -> None:
    dist_dir = _built(
        repo,
        "restflow-core>=0.2.0,<0.3",
        ("restflow-core>=0.1.0,<0.3", "restflow-views>=0.1.0,<0.2"),
    )
    _, versions, problems = restflow_closure("restflow-cache", load_distributions(repo), dist_dir)
    assert problems == []
    assert versions == {
        "restflow-cache": "0.1.0",
        "restflow-core": "0.2.0",
        "restflow-views": "0.1.0",
    }


def test_the_meta_package_installs_its_pins(repo: Path) -> None:
    dist_dir = _built(repo, "restflow-core>=0.1.0,<0.3")
    released_package(repo, "restflow", "meta", "0.1.0", {})
    pins = ("restflow-core==0.2.0", "restflow-views==0.1.0")
    _wheel(dist_dir / "restflow-0.1.0-py3-none-any.whl", "restflow", "0.1.0", "meta", pins)
    _, versions, problems = restflow_closure("restflow", load_distributions(repo), dist_dir)
    assert problems == []
    assert versions == {"restflow": "0.1.0", "restflow-core": "0.2.0", "restflow-views": "0.1.0"}


@pytest.mark.parametrize(
    ("requirement", "expected"),
    [
        (
            "restflow-core<0.3",
            "restflow-views requires restflow-core<0.3: its floor is not a release",
        ),
        ("restflow-core>=0.1.5,<0.3", "its floor is not a release"),
        ("restflow-core>=0.1.0,<0.2", "which excludes the current restflow-core 0.2.0"),
    ],
)
def test_a_requirement_without_a_released_floor_is_reported(
    repo: Path, requirement: str, expected: str
) -> None:
    dist_dir = _built(repo, requirement)
    _, _, problems = restflow_closure("restflow-views", load_distributions(repo), dist_dir)
    assert any(expected in problem for problem in problems), problems


def test_an_older_floor_without_a_built_wheel_says_how_to_get_one(repo: Path) -> None:
    dist_dir = _built(repo, "restflow-core>=0.1.0,<0.3")
    (dist_dir / "floors" / "restflow_core-0.1.0-py3-none-any.whl").unlink()
    _, _, problems = restflow_closure("restflow-views", load_distributions(repo), dist_dir)
    assert problems == [
        "restflow_core-0.1.0-py3-none-any.whl is not in "
        f"{dist_dir / 'floors'} (run: python scripts/isolation.py, which builds it from its release)"
    ]


@pytest.mark.skipif(shutil.which("hatch") is None, reason="needs hatch (pip install hatch)")
@pytest.mark.parametrize("how", ["tagged", "recorded"])
def test_an_older_floor_is_built_from_its_release(tmp_path: Path, how: str) -> None:
    committed_core_release(tmp_path, how)
    # restflow-core 0.2.0 drops old.py; restflow-views still claims to work with 0.1.0
    (tmp_path / "packages/restflow-core/src/restflow/core/old.py").unlink()
    released_package(tmp_path, "restflow-core", "core", "0.2.0", {}, released=("0.1.0", "0.2.0"))
    released_package(
        tmp_path,
        "restflow-views",
        "views",
        "0.1.0",
        {},
        dependencies=("restflow-core>=0.1.0,<0.3",),
    )
    dists = load_distributions(tmp_path)
    dist_dir = tmp_path / "dist"
    _wheel(
        dist_dir / wheel_name(dists["restflow-views"], "0.1.0"),
        "restflow-views",
        "0.1.0",
        "views",
        ("restflow-core>=0.1.0,<0.3",),
    )

    wheels, versions, problems = restflow_closure("restflow-views", dists, dist_dir, tmp_path)

    assert problems == [] and versions["restflow-core"] == "0.1.0"
    built = wheels["restflow-core"]
    assert built.parent == dist_dir / "floors" and built.exists()
    assert (dist_dir / "floors" / "restflow_core-0.1.0.tar.gz").exists()  # for --sdist
    with zipfile.ZipFile(built) as archive:
        assert "restflow/core/old.py" in archive.namelist()  # the release, not the sources
    assert wheel_subpackages(built) == ["core"]
