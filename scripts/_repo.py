"""Shared helpers for the repository scripts.

Reads the monorepo's layout from the distributions' own ``pyproject.toml``
files, so the scripts never keep a second copy of which distribution ships
which ``restflow.<sub>`` package, where its version lives, or what it needs.

Requires Python 3.11+ (``tomllib``) and ``packaging`` (PEP 440 versions, PEP 508
requirements), which hatch itself depends on.
"""

from __future__ import annotations

import argparse
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import packaging.requirements
from _cli import REPO_ROOT
from packaging.utils import canonicalize_name

META_NAME = "restflow"
NAMESPACE = "restflow"

_VERSION_LINE = re.compile(
    r"""^(?P<head>__version__\s*=\s*)(?P<q>["'])(?P<version>[^"']+)(?P=q)""", re.M
)


class Requirement(packaging.requirements.Requirement):
    """A PEP 508 requirement (``packaging``'s) whose ``name`` is canonical (PEP 503)."""

    def __init__(self, raw: str) -> None:
        super().__init__(raw)
        self.raw = raw
        self.name = canonicalize_name(self.name)


def is_restflow(name: str) -> bool:
    """Whether a canonical project name is one of restflow's distributions."""
    return name == META_NAME or name.startswith(f"{META_NAME}-")


@dataclass
class Distribution:
    """One distribution under ``packages/`` as its pyproject declares it."""

    name: str
    directory: Path
    pyproject: dict[str, Any]
    version_file: Path
    subpackages: list[str] = field(default_factory=list)

    @property
    def is_meta(self) -> bool:
        return self.name == META_NAME

    @property
    def version(self) -> str:
        return read_version(self.version_file)

    @property
    def changelog(self) -> Path:
        return self.directory / "CHANGELOG.md"

    @property
    def pyproject_path(self) -> Path:
        return self.directory / "pyproject.toml"

    @property
    def dependencies(self) -> list[Requirement]:
        return [Requirement(r) for r in self.pyproject.get("project", {}).get("dependencies", [])]

    @property
    def extras(self) -> dict[str, list[Requirement]]:
        optional = self.pyproject.get("project", {}).get("optional-dependencies", {})
        return {extra: [Requirement(r) for r in reqs] for extra, reqs in optional.items()}

    @property
    def restflow_requirements(self) -> list[Requirement]:
        """Unconditional requirements on other restflow distributions."""
        return [r for r in self.dependencies if is_restflow(r.name) and not r.marker]

    @property
    def wheel_stem(self) -> str:
        """The distribution part of its wheel file name (``restflow_core``)."""
        return canonicalize_name(self.name).replace("-", "_")


def read_version(path: Path) -> str:
    """Return ``__version__`` from an ``__about__.py``."""
    match = _VERSION_LINE.search(path.read_text(encoding="utf-8"))
    if not match:
        raise ValueError(f'{path}: no __version__ = "x.y.z" line')
    return match["version"]


def write_version(path: Path, version: str) -> str:
    """Return the text of ``path`` with its ``__version__`` replaced (does not write)."""
    text = path.read_text(encoding="utf-8")
    new, count = _VERSION_LINE.subn(
        lambda m: f"{m['head']}{m['q']}{version}{m['q']}", text, count=1
    )
    if count != 1:
        raise ValueError(f"{path}: no __version__ line to replace")
    return new


_QUOTED = re.compile(r"""(?P<q>["'])(?P<body>(?:(?!(?P=q))[^\n])+)(?P=q)""")


def repin_meta(text: str, name: str, new: str) -> tuple[str, int]:
    """Set every quoted ``name[extras]==version`` pin in a pyproject's text to ``new``.

    Returns the new text and how many pins were changed; the rest of the text,
    formatting included, is left as it was.
    """
    count = 0

    def swap(match: re.Match[str]) -> str:
        nonlocal count
        try:
            req = Requirement(match["body"])
        except packaging.requirements.InvalidRequirement:
            return match[0]
        pin = exact_pin(req)
        if req.name != name or pin is None:
            return match[0]
        count += 1
        return re.sub(rf"==\s*{re.escape(pin)}", f"=={new}", match[0], count=1)

    return _QUOTED.sub(swap, text), count


def subpackages_of(pyproject: dict[str, Any]) -> list[str]:
    """``restflow.<sub>`` names from ``[tool.hatch.build.targets.wheel] only-include``."""
    wheel = (
        pyproject.get("tool", {})
        .get("hatch", {})
        .get("build", {})
        .get("targets", {})
        .get("wheel", {})
    )
    subs: list[str] = []
    for entry in wheel.get("only-include", []):
        parts = Path(entry).parts
        # "src/restflow/<sub>" with sources = ["src"]
        if len(parts) >= 2 and parts[-2] == NAMESPACE:
            subs.append(parts[-1])
        else:
            raise ValueError(
                f"only-include entry {entry!r} is not of the form src/{NAMESPACE}/<sub>"
            )
    return subs


def load_distributions(root: Path = REPO_ROOT) -> dict[str, Distribution]:
    """All distributions under ``<root>/packages``, keyed by canonical name (meta last)."""
    packages = root / "packages"
    if not packages.is_dir():
        raise FileNotFoundError(f"{packages} does not exist (is --root the repository root?)")
    found: dict[str, Distribution] = {}
    for pyproject_path in sorted(packages.glob("*/pyproject.toml")):
        with pyproject_path.open("rb") as fh:
            data = tomllib.load(fh)
        project = data.get("project")
        if not project or "name" not in project:
            continue
        name = canonicalize_name(project["name"])
        version_rel = data.get("tool", {}).get("hatch", {}).get("version", {}).get("path")
        if not version_rel:
            raise ValueError(f"{pyproject_path}: no [tool.hatch.version] path")
        found[name] = Distribution(
            name=name,
            directory=pyproject_path.parent,
            pyproject=data,
            version_file=pyproject_path.parent / version_rel,
            subpackages=subpackages_of(data),
        )
    ordered = {k: v for k, v in found.items() if k != META_NAME}
    if META_NAME in found:
        ordered[META_NAME] = found[META_NAME]
    return ordered


def requirement_closure(name: str, dists: dict[str, Distribution]) -> list[str]:
    """``name`` plus every restflow distribution it needs, transitively (from pyprojects)."""
    seen: list[str] = []
    stack: list[str] = [canonicalize_name(name)]
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.append(current)
        if current in dists:
            stack.extend(r.name for r in dists[current].restflow_requirements)
    return seen


# --------------------------------------------------------------------------- versions


def exact_pin(req: Requirement) -> str | None:
    """The version of a requirement that is one ``==X`` clause (no wildcard), else None."""
    clauses = list(req.specifier)
    if len(clauses) == 1 and clauses[0].operator == "==" and not clauses[0].version.endswith("*"):
        return clauses[0].version
    return None


def admits(req: Requirement, version: str) -> bool:
    """Whether ``req``'s specifier admits ``version`` (pre-releases of our own included)."""
    return req.specifier.contains(version, prereleases=True)


class Selection(NamedTuple):
    """The distributions a command acts on (``--only``), and where their builds go."""

    root: Path
    out: Path
    distributions: dict[str, Distribution]
    names: list[str]


def add_selection(parser: argparse.ArgumentParser, dist: str, only: str) -> None:
    """``--dist`` (help ``dist``) and ``--only`` (help ``only``) for ``select``."""
    parser.add_argument("--dist", type=Path, help=f"{dist} (default: <root>/dist)")
    parser.add_argument("--only", nargs="+", metavar="DIST", help=f"{only} (default: all)")


def select(parser: argparse.ArgumentParser, args: argparse.Namespace) -> Selection:
    """The distributions ``--only`` names (all by default); an unknown one is a usage error."""
    root = args.root.resolve()
    dists = load_distributions(root)
    names: list[str] = [canonicalize_name(n) for n in args.only] if args.only else list(dists)
    unknown = [n for n in names if n not in dists]
    if unknown:
        parser.error(f"unknown distribution(s) {unknown}; known: {', '.join(dists)}")
    return Selection(root, (args.dist or root / "dist").resolve(), dists, names)
