"""scripts/floors.py: a sibling floor is a release that has what the package imports."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import floors
import pytest
from _repo import load_distributions

SCRIPTS = Path(__file__).resolve().parent.parent
REPO = SCRIPTS.parent

PYPROJECT = """\
[project]
name = "{name}"
dynamic = ["version"]
dependencies = {dependencies}

[tool.hatch.version]
path = "src/restflow/{sub}/__about__.py"

[tool.hatch.build.targets.wheel]
sources = ["src"]
only-include = ["src/restflow/{sub}"]
"""

CHANGELOG = """\
# Changelog

## [Unreleased]

{released}
"""


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def _package(
    root: Path,
    name: str,
    sub: str,
    version: str,
    files: dict[str, str],
    *,
    dependencies: tuple[str, ...] = (),
    released: tuple[str, ...] = ("0.1.0",),
) -> None:
    directory = root / "packages" / name
    package = directory / "src" / "restflow" / sub
    package.mkdir(parents=True, exist_ok=True)
    (directory / "pyproject.toml").write_text(
        PYPROJECT.format(name=name, sub=sub, dependencies=list(dependencies)).replace("'", '"')
    )
    headings = "\n\n".join(
        f"## [{v}] - 2026-12-0{i + 1}\n\n- A release." for i, v in enumerate(released)
    )
    (directory / "CHANGELOG.md").write_text(CHANGELOG.format(released=headings))
    (package / "__about__.py").write_text(f'__version__ = "{version}"\n')
    for relative, text in {"__init__.py": "", **files}.items():
        (package / relative).write_text(textwrap.dedent(text))


def _core(root: Path, version: str = "0.1.0", **files: str) -> None:
    released = ("0.1.0", "0.2.0") if version == "0.2.0" else ("0.1.0",)
    body = {"fallback.py": "def acall():\n    pass\n", **files}
    _package(root, "restflow-core", "core", version, body, released=released)


def _views(root: Path, requirement: str, source: str) -> None:
    _package(
        root,
        "restflow-views",
        "views",
        "0.1.0",
        {"generics.py": source},
        dependencies=(requirement,),
    )


def _problems(root: Path) -> list[str]:
    return floors.check(root, load_distributions(root))


@pytest.fixture
def released_core(tmp_path: Path) -> Path:
    """A repository whose restflow-core 0.1.0 is tagged as release.py tags it."""
    _core(tmp_path)
    _views(tmp_path, "restflow-core>=0.1.0,<0.2", "from restflow.core.fallback import acall\n")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "release")
    _git(tmp_path, "tag", "-a", "restflow-core-v0.1.0", "-m", "restflow-core 0.1.0")
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
    assert "restflow-core 0.1.0 (tag restflow-core-v0.1.0) lacks" in problem


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


def test_an_untagged_floor_older_than_the_sibling_asks_for_the_tag(tmp_path: Path) -> None:
    _core(tmp_path, "0.2.0")
    _views(tmp_path, "restflow-core>=0.1.0,<0.3", "from restflow.core.fallback import acall\n")
    (problem,) = _problems(tmp_path)
    assert "no tag restflow-core-v0.1.0 to check the floor against" in problem


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
