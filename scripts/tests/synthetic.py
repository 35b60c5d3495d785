"""Small synthetic repositories for the tests of the scripts (structure rules, floors, releases)."""

from __future__ import annotations

import shutil
import subprocess
import textwrap
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import _repo
import releases
import structure
from structure import Source

REPOSITORY = Path(__file__).resolve().parent.parent.parent

PYPROJECT = """\
[project]
name = "{name}"
dependencies = {dependencies}

[tool.hatch.version]
path = "src/restflow/{first}/__about__.py"

[tool.hatch.build.targets.wheel]
sources = ["src"]
only-include = {include}
"""


def make_distribution(
    root: Path,
    name: str,
    files: dict[str, str],
    dependencies: tuple[str, ...] = ("Django>=5.2",),
    tests: dict[str, str] | None = None,
) -> None:
    """packages/<name>/ with a pyproject, ``files`` under src/restflow/ and ``tests``."""
    directory = root / "packages" / name
    subs = sorted({path.split("/")[0] for path in files})
    (directory / "src" / "restflow").mkdir(parents=True)
    (directory / "tests").mkdir()
    (directory / "pyproject.toml").write_text(
        PYPROJECT.format(
            name=name,
            dependencies=list(dependencies),
            first=subs[0],
            include=[f"src/restflow/{sub}" for sub in subs],
        ).replace("'", '"'),
        encoding="utf-8",
    )
    for relative, text in files.items():
        path = directory / "src" / "restflow" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    for relative, text in (tests or {}).items():
        (directory / "tests" / relative).write_text(textwrap.dedent(text), encoding="utf-8")


def things(root: Path, files: dict[str, str], **options: Any) -> None:
    """restflow-things, shipping ``restflow.things`` (an empty ``__init__`` unless given)."""
    make_distribution(root, "restflow-things", {**files}, **options)


def load(root: Path, libraries: dict[str, set[str]] | None = None) -> Source:
    source = structure.load(root)
    source.libraries = (libraries or {}, [])  # no installed library read in these tests
    return source


def messages(findings: list[structure.Finding]) -> list[str]:
    return [str(finding) for finding in findings]


def check(
    rule: Callable[[Source], list[structure.Finding]],
    root: Path,
    files: dict[str, str],
    **options: Any,
) -> list[str]:
    """What ``rule`` finds in restflow-things made of ``files`` (see ``things``)."""
    things(root, files, **options)
    return messages(rule(load(root)))


RELEASED_PYPROJECT = """\
[build-system]
requires = ["hatchling>=1.25"]
build-backend = "hatchling.build"

[project]
name = "{name}"
dynamic = ["version"]
requires-python = ">=3.11"
dependencies = {dependencies}

[tool.hatch.version]
path = "src/restflow/{sub}/__about__.py"

[tool.hatch.build.targets.wheel]
sources = ["src"]
only-include = ["src/restflow/{sub}"]
"""

RELEASED_CHANGELOG = """\
# Changelog

## [Unreleased]

{released}
"""


def git(root: Path, *args: str) -> str:
    """Run git in ``root`` as a throwaway committer; its output."""
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def released_package(
    root: Path,
    name: str,
    sub: str,
    version: str,
    files: dict[str, str],
    *,
    dependencies: tuple[str, ...] = (),
    released: tuple[str, ...] = ("0.1.0",),
) -> None:
    """packages/<name>/ shipping ``restflow.<sub>`` at ``version``, with a CHANGELOG dating
    ``released`` (as bump.py heads a release) and ``files`` in the subpackage."""
    directory = root / "packages" / name
    package = directory / "src" / "restflow" / sub
    package.mkdir(parents=True, exist_ok=True)
    (directory / "pyproject.toml").write_text(
        RELEASED_PYPROJECT.format(name=name, sub=sub, dependencies=list(dependencies)).replace(
            "'", '"'
        )
    )
    headings = "\n\n".join(
        f"## [{v}] - 2026-12-0{i + 1}\n\n- A release." for i, v in enumerate(released)
    )
    (directory / "CHANGELOG.md").write_text(RELEASED_CHANGELOG.format(released=headings))
    (package / "__about__.py").write_text(f'__version__ = "{version}"\n')
    for relative, text in {"__init__.py": "", **files}.items():
        (package / relative).write_text(textwrap.dedent(text))


def copy_metadata(dest: Path) -> None:
    """Copy every packages/*/pyproject.toml, its __about__.py and CHANGELOG.md into ``dest``,
    a new git repository with the repository's release tags (the floor checks read them)."""
    for pyproject in sorted((REPOSITORY / "packages").glob("*/pyproject.toml")):
        package = pyproject.parent
        target = dest / "packages" / package.name
        target.mkdir(parents=True)
        shutil.copy2(pyproject, target / "pyproject.toml")
        shutil.copy2(package / "CHANGELOG.md", target / "CHANGELOG.md")
        with pyproject.open("rb") as fh:
            about = tomllib.load(fh)["tool"]["hatch"]["version"]["path"]
        (target / about).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(package / about, target / about)
    commit_with_release_tags(dest)


def committed_core_release(root: Path, how: str) -> None:
    """A repository of one commit, restflow-core 0.1.0 shipping ``restflow.core.old``
    (``GONE = 1``), released ``how`` (see :func:`mark_release`)."""
    released_package(root, "restflow-core", "core", "0.1.0", {"old.py": "GONE = 1\n"})
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "restflow-core 0.1.0")
    mark_release(root, "restflow-core", "0.1.0", how)


def mark_release(root: Path, name: str, version: str, how: str) -> None:
    """Mark ``HEAD`` as the release ``name`` ``version``: ``"tagged"`` as release.py tags
    it, or ``"recorded"`` only in packages/releases.toml (a clone without its tags)."""
    if how == "tagged":
        tag = releases.tag_name(name, version)
        git(root, "tag", "-a", tag, "-m", tag)
        return
    prefix = _repo.load_distributions(root)[name].directory.relative_to(root).as_posix()
    releases.record_release(root, name, version, git(root, "rev-parse", f"HEAD:{prefix}").strip())
    git(root, "add", str(releases.RECORD))
    git(root, "commit", "-qm", f"record {name} {version}")


def commit_with_release_tags(dest: Path, tags: bool = True) -> None:
    """Make ``dest`` a git repository of one commit that is every release this repository
    records (``packages/releases.toml``): recorded there with the commit's trees, and
    tagged ``<distribution>-v<version>`` as a clone with its tags would be (``tags``)."""
    git(dest, "init", "-q")
    git(dest, "add", "-A")
    dists = _repo.load_distributions(dest)
    for name, versions in releases.load(REPOSITORY).items():
        prefix = dists[name].directory.relative_to(dest).as_posix()
        tree = git(dest, "write-tree", f"--prefix={prefix}/").strip()
        for version in versions:
            releases.record_release(dest, name, version, tree)
    git(dest, "add", "-A")
    git(dest, "commit", "-qm", "start")
    for name, versions in releases.load(dest).items() if tags else ():
        for version in versions:
            tag = releases.tag_name(name, version)
            git(dest, "tag", "-a", tag, "-m", tag)
