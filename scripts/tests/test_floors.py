"""scripts/floors.py: a sibling floor is a release that has what the package imports."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import floors
import pytest
from _repo import Requirement, load_distributions
from packaging.version import Version
from synthetic import git, mark_release, released_package

SCRIPTS = Path(__file__).resolve().parent.parent
REPO = SCRIPTS.parent


def _core(root: Path, version: str = "0.1.0", **files: str) -> None:
    released = ("0.1.0", "0.2.0") if version == "0.2.0" else ("0.1.0",)
    body = {"fallback.py": "def acall():\n    pass\n", **files}
    released_package(root, "restflow-core", "core", version, body, released=released)


def _views(root: Path, requirement: str, source: str) -> None:
    released_package(
        root,
        "restflow-views",
        "views",
        "0.1.0",
        {"generics.py": source},
        dependencies=(requirement,),
    )


def _problems(root: Path) -> list[str]:
    return floors.check(root, load_distributions(root))


@pytest.fixture(params=["tagged", "recorded"])
def released_core(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    """A repository whose restflow-core 0.1.0 is released: tagged as release.py tags it,
    or only recorded in packages/releases.toml (a clone without tags)."""
    _core(tmp_path)
    _views(tmp_path, "restflow-core>=0.1.0,<0.2", "from restflow.core.fallback import acall\n")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "release")
    mark_release(tmp_path, "restflow-core", "0.1.0", request.param)
    return tmp_path


def test_a_tagged_floor_that_has_every_imported_name_passes(released_core: Path) -> None:
    assert _problems(released_core) == []


def test_a_name_added_to_the_sibling_after_the_floor_release_fails(released_core: Path) -> None:
    _core(released_core, **{"fallback.py": "def acall():\n    pass\n\n\ndef achain():\n    pass\n"})
    _views(
        released_core,
        "restflow-core>=0.1.0,<0.2",
        "from restflow.core.fallback import acall\n\nfrom restflow.core.fallback import achain\n",
    )

    (problem,) = _problems(released_core)
    assert "packages/restflow-views/src/restflow/views/generics.py:3" in problem
    assert "imports achain from restflow.core.fallback" in problem
    assert "restflow-core 0.1.0 (its release) lacks" in problem


def test_a_module_added_after_the_floor_release_fails(released_core: Path) -> None:
    _core(released_core, **{"hop.py": "def run_sync():\n    pass\n"})
    _views(released_core, "restflow-core>=0.1.0,<0.2", "import restflow.core.hop\n")

    (problem,) = _problems(released_core)
    assert "imports restflow.core.hop, which restflow-core 0.1.0" in problem


def test_raising_the_floor_to_the_release_being_made_passes(released_core: Path) -> None:
    # restflow-core 0.2.0 adds achain (bumped and dated, not tagged yet); views asks for it
    _core(released_core, "0.2.0", **{"fallback.py": "def acall():\n    pass\n\n\nachain = acall\n"})
    _views(
        released_core, "restflow-core>=0.2.0,<0.3", "from restflow.core.fallback import achain\n"
    )
    assert _problems(released_core) == []


def test_a_floor_neither_tagged_nor_recorded_is_reported(tmp_path: Path) -> None:
    _core(tmp_path, "0.2.0")
    _views(tmp_path, "restflow-core>=0.1.0,<0.3", "from restflow.core.fallback import acall\n")
    (problem,) = _problems(tmp_path)
    assert "neither the tag restflow-core-v0.1.0 nor packages/releases.toml" in problem


@pytest.mark.parametrize(
    ("requirement", "expected"),
    [
        ("restflow-core<0.2", "give a floor (>=)"),
        ("restflow-core>=0.0.9,<0.2", "the floor 0.0.9 is not a release of restflow-core"),
        ("restflow-core>=0.1.0", "cap the range below restflow-core's next breaking release"),
        ("restflow-core>=0.1.0,<1", "(<0.2;"),
    ],
)
def test_a_range_without_a_released_floor_or_a_cap_fails(
    tmp_path: Path, requirement: str, expected: str
) -> None:
    _core(tmp_path)
    _views(tmp_path, requirement, "from restflow.core.fallback import acall\n")
    problems = _problems(tmp_path)
    assert len(problems) == 1 and expected in problems[0], problems


def test_submodules_and_lazily_exported_names_count_as_provided(tmp_path: Path) -> None:
    lazy = """\
        _LAZY = {"Dispatcher": "restflow.core.dispatch"}

        def __getattr__(name):
            raise AttributeError(name)
        """
    _core(tmp_path, **{"__init__.py": lazy, "dispatch.py": "class Dispatcher:\n    pass\n"})
    _views(
        tmp_path,
        "restflow-core>=0.1.0,<0.2",
        "from restflow.core import Dispatcher, dispatch\nfrom restflow.core import Missing\n",
    )
    (problem,) = _problems(tmp_path)  # a lazy module provides the names it spells, no others
    assert "imports Missing from restflow.core," in problem


def test_names_bound_under_if_and_try_count_and_others_do_not(tmp_path: Path) -> None:
    fallback = """\
        try:
            from json import loads as parse
        except ImportError:
            parse = None
        if True:
            LIMIT: int = 3

        def acall():
            hidden = 1
        """
    _core(tmp_path, **{"fallback.py": fallback})
    _views(
        tmp_path,
        "restflow-core>=0.1.0,<0.2",
        "from restflow.core.fallback import LIMIT, acall, hidden, parse\n",
    )
    (problem,) = _problems(tmp_path)
    assert "imports hidden from restflow.core.fallback" in problem


def test_the_repository_floors_are_releases_that_have_what_each_package_imports() -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPTS / "floors.py")], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("spec", "floor", "cap"),
    [
        (">=0.1.0,<0.2", "0.1.0", "0.2"),
        ("~=0.1.3", "0.1.3", "0.2"),
        ("~=1.2", "1.2", "2"),
        ("==0.1.0", "0.1.0", None),  # the meta-package's pins: installed at the pin
        ("<0.2", None, "0.2"),
        ("==0.1.*", None, None),
    ],
)
def test_the_floor_and_cap_of_a_requirement(spec: str, floor: str | None, cap: str | None) -> None:
    expected = (Version(floor) if floor else None, Version(cap) if cap else None)
    assert floors.bounds(Requirement(f"restflow-core{spec}")) == expected
