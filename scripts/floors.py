#!/usr/bin/env python3
"""Sibling floors: each requirement between restflow distributions names a released
version of the sibling that provides everything the requiring package imports from it.

    python scripts/floors.py            # the problems, one per line (pins.py check runs it too)

For every requirement of a distribution on a sibling (``restflow-core>=0.1.0,<0.2``):

* **a floor**: the range has a lower bound (``>=``, or ``~=``);
* **a released floor**: the floor is a version the sibling's CHANGELOG dates
  (``## [0.1.0] - 2026-12-07``): the ``release.py``/``bump.py`` heading;
* **a cap**: the range has a ``<`` upper bound that excludes the sibling's next
  breaking release (before 1.0 the next minor, ``<0.2`` while it is at 0.1.x;
  from 1.0 on the next major), which may remove what the package uses;
* **the floor provides what the package uses**: every ``from restflow.<sub>... import
  name`` (and ``import restflow.<sub>...``) in the package's ``src/`` that reaches a
  subpackage of the sibling names a module, and a name in it, that the sibling's
  source *at the floor* has. That source is the floor's release, found through its
  git tag (``restflow-core-v0.1.0``) or ``packages/releases.toml`` (``releases.py``);
  the working tree when the floor is the sibling's current version and it is not
  released yet (a release being prepared).

So a package that starts using a name added to a sibling since the floor's release
fails until the sibling is released and the floor raised to that release (docs: the
README's "Releasing").
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import _cli
from _repo import META_NAME, NAMESPACE, Distribution, Requirement, is_restflow, load_distributions
from packaging.version import InvalidVersion, Version
from releases import RECORD, release_tree, tag_name

DATED_RELEASE = re.compile(r"^##\s+\[(?P<version>[^\]]+)\]\s+-\s+(?P<date>\d{4}-\d{2}-\d{2})\s*$")


def released_versions(dist: Distribution) -> dict[Version, str]:
    """Versions the distribution's CHANGELOG gives a dated heading, each as spelled there."""
    if not dist.changelog.exists():
        return {}
    found: dict[Version, str] = {}
    for line in dist.changelog.read_text(encoding="utf-8").splitlines():
        match = DATED_RELEASE.match(line.strip())
        if match:
            try:
                found[Version(match["version"])] = match["version"]
            except InvalidVersion:
                continue
    return found


def bounds(req: Requirement) -> tuple[Version | None, Version | None]:
    """The floor (``>=``, ``~=`` or an exact ``==``) and the exclusive cap (``<``, or what
    ``~=`` implies) of a requirement, None where it has none."""
    floors: list[Version] = []
    caps: list[Version] = []
    for clause in req.specifier:
        if clause.version.endswith("*"):
            continue
        version = Version(clause.version)
        if clause.operator in (">=", "==", "~="):
            floors.append(version)
        if clause.operator == "<":
            caps.append(version)
        elif clause.operator == "~=":
            kept = version.release[:-1]
            caps.append(Version(".".join(map(str, [*kept[:-1], kept[-1] + 1]))))
    return max(floors, default=None), min(caps, default=None)


def next_breaking(version: str) -> Version:
    """The first version allowed to break ``version``'s users: next minor before 1.0."""
    parsed = Version(version)
    major, minor = (*parsed.release, 0, 0)[:2]
    return Version(f"0.{minor + 1}") if major == 0 else Version(f"{major + 1}")


@dataclass(frozen=True)
class Use:
    """One import of a sibling's module (and a name from it, or "" for ``import m``)."""

    module: str
    name: str
    where: str


def uses_of(dist: Distribution, subpackages: list[str], root: Path) -> Iterator[Use]:
    """Imports in ``dist``'s shipped source that reach one of ``subpackages``."""
    prefixes = tuple(f"{NAMESPACE}.{sub}" for sub in subpackages)

    def reaches(module: str) -> bool:
        return any(module == p or module.startswith(p + ".") for p in prefixes)

    for sub in dist.subpackages:
        for path in sorted((dist.directory / "src" / NAMESPACE / sub).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            for node in ast.walk(tree):
                where = f"{path.relative_to(root)}:{getattr(node, 'lineno', 0)}"
                if isinstance(node, ast.ImportFrom) and not node.level and node.module:
                    if reaches(node.module):
                        for alias in node.names:
                            yield Use(node.module, alias.name, where)
                elif isinstance(node, ast.Import):
                    for alias in node.names:
                        if reaches(alias.name):
                            yield Use(alias.name, "", where)


class Tree:
    """A distribution's files as of a release (its directory's git tree), or as they are
    in the working tree (``released`` None)."""

    def __init__(self, root: Path, directory: Path, released: str | None) -> None:
        self.root, self.directory, self.released = root, directory, released

    def read(self, relative: str) -> str | None:
        """The text of ``<directory>/<relative>``, None when it does not exist there."""
        if self.released is None:
            path = self.directory / relative
            return path.read_text(encoding="utf-8") if path.is_file() else None
        shown = _cli.run(["git", "-C", str(self.root), "show", f"{self.released}:{relative}"])
        return shown.stdout if shown.returncode == 0 else None

    def module(self, dotted: str) -> tuple[str, bool] | None:
        """``(source, is_package)`` of a ``restflow.x.y`` module, None when absent."""
        base = "src/" + dotted.replace(".", "/")
        for relative, package in ((base + ".py", False), (base + "/__init__.py", True)):
            text = self.read(relative)
            if text is not None:
                return text, package
        return None


def top_level_names(tree: ast.Module) -> tuple[set[str], bool]:
    """Names a module binds at top level (``if``/``try`` bodies included), plus the string
    constants of a lazy module (one with ``__getattr__``), and whether it has one."""
    names: set[str] = set()
    lazy = False
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
            lazy = lazy or node.name == "__getattr__"
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.If | ast.Try | ast.With):
            pending.extend(node.body)
            pending.extend(getattr(node, "orelse", []))
            pending.extend(getattr(node, "finalbody", []))
            for handler in getattr(node, "handlers", []):
                pending.extend(handler.body)
    if lazy:
        names.update(
            n.value
            for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str)
        )
    return names, lazy


def missing(tree: Tree, uses: list[Use]) -> list[Use]:
    """The uses ``tree`` does not provide (module absent, or the name not in it)."""
    lacking: list[Use] = []
    parsed: dict[str, tuple[set[str], bool] | None] = {}
    for use in uses:
        if use.module not in parsed:
            found = tree.module(use.module)
            parsed[use.module] = (
                (top_level_names(ast.parse(found[0]))[0], found[1]) if found else None
            )
        module = parsed[use.module]
        if module is None:
            lacking.append(use)
            continue
        names, is_package = module
        if not use.name or use.name == "*" or use.name in names:
            continue
        if is_package and tree.module(f"{use.module}.{use.name}") is not None:
            continue  # a submodule
        lacking.append(use)
    return lacking


def check_requirement(
    root: Path, dist: Distribution, req: Requirement, sibling: Distribution
) -> list[str]:
    """The floor problems of one sibling requirement."""
    label = f"{dist.pyproject_path.relative_to(root)}: {req.raw!r}"
    floor, cap = bounds(req)
    problems: list[str] = []
    if cap is None or cap > next_breaking(sibling.version):
        problems.append(
            f"{label}: cap the range below {sibling.name}'s next breaking release "
            f"(<{next_breaking(sibling.version)}; see the README's versioning policy)"
        )
    if floor is None:
        return [*problems, f"{label}: give a floor (>=) that is a release of {sibling.name}"]
    released = released_versions(sibling)
    if floor not in released:
        dated = ", ".join(str(v) for v in sorted(released)) or "none"
        return [
            *problems,
            f"{label}: the floor {floor} is not a release of {sibling.name} "
            f"(its CHANGELOG dates: {dated})",
        ]
    at_release = release_tree(root, sibling, released[floor])
    if at_release is not None:
        tree, source = Tree(root, sibling.directory, at_release), "its release"
    elif floor == Version(sibling.version):
        tree, source = Tree(root, sibling.directory, None), "the working tree, not released yet"
    else:
        return [
            *problems,
            f"{label}: neither the tag {tag_name(sibling.name, released[floor])} nor "
            f"{RECORD} gives the source of {sibling.name} {floor} to check the floor against",
        ]
    for use in missing(tree, list(uses_of(dist, sibling.subpackages, root))):
        what = f"{use.name} from {use.module}" if use.name else use.module
        problems.append(
            f"{label}: {use.where} imports {what}, which {sibling.name} {floor} ({source}) "
            f"lacks: raise the floor to the release of {sibling.name} that has it"
        )
    return problems


def check(root: Path, dists: dict[str, Distribution]) -> list[str]:
    """Every floor problem of every sibling requirement (the meta-package pins exactly)."""
    problems: list[str] = []
    for dist in dists.values():
        if dist.name == META_NAME:
            continue
        for req in dist.dependencies + [r for rs in dist.extras.values() for r in rs]:
            if is_restflow(req.name) and req.name in dists and req.name != META_NAME:
                problems += check_requirement(root, dist, req, dists[req.name])
    return problems


def main(argv: list[str] | None = None) -> int:
    args = _cli.parser(__doc__).parse_args(argv)
    root = args.root.resolve()
    problems = check(root, load_distributions(root))
    for problem in problems:
        print(f"floors: {problem}")
    print(f"floors check {'failed' if problems else 'passed'}: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
