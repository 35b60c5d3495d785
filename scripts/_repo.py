"""Shared, stdlib-only helpers for the repository scripts.

Reads the monorepo's layout from the distributions' own ``pyproject.toml``
files, so the scripts never keep a second copy of which distribution ships
which ``restflow.<sub>`` package, where its version lives, or what it needs.

Requires Python 3.11+ (``tomllib``).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
META_NAME = "restflow"
NAMESPACE = "restflow"

_VERSION_LINE = re.compile(
    r"""^(?P<head>__version__\s*=\s*)(?P<q>["'])(?P<version>[^"']+)(?P=q)""", re.M
)
_REQUIREMENT = re.compile(
    r"""^\s*(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*
        (?:\[(?P<extras>[^\]]*)\])?\s*
        (?P<spec>[^;]*?)\s*
        (?:;\s*(?P<marker>.*))?$""",
    re.X,
)


def canonical(name: str) -> str:
    """PEP 503 normalised project name (``Restflow_Core`` -> ``restflow-core``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Requirement:
    """A parsed PEP 508 requirement (name, extras, specifier, marker)."""

    raw: str
    name: str
    extras: tuple[str, ...]
    spec: str
    marker: str

    @classmethod
    def parse(cls, raw: str) -> Requirement:
        """Parse ``name[extra,…] spec ; marker`` (URL requirements are not supported)."""
        match = _REQUIREMENT.match(raw)
        if not match:
            raise ValueError(f"cannot parse requirement {raw!r}")
        extras = tuple(e.strip() for e in (match["extras"] or "").split(",") if e.strip())
        return cls(
            raw=raw,
            name=canonical(match["name"]),
            extras=extras,
            spec=(match["spec"] or "").strip(),
            marker=(match["marker"] or "").strip(),
        )


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
        return [
            Requirement.parse(r) for r in self.pyproject.get("project", {}).get("dependencies", [])
        ]

    @property
    def extras(self) -> dict[str, list[Requirement]]:
        optional = self.pyproject.get("project", {}).get("optional-dependencies", {})
        return {extra: [Requirement.parse(r) for r in reqs] for extra, reqs in optional.items()}

    @property
    def restflow_requirements(self) -> list[Requirement]:
        """Unconditional requirements on other restflow distributions."""
        return [r for r in self.dependencies if r.name.startswith(META_NAME) and not r.marker]

    @property
    def wheel_stem(self) -> str:
        """The distribution part of its wheel file name (``restflow_core``)."""
        return canonical(self.name).replace("-", "_")


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
        name = canonical(project["name"])
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
    stack = [canonical(name)]
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.append(current)
        if current in dists:
            stack.extend(r.name for r in dists[current].restflow_requirements)
    return seen


# --------------------------------------------------------------------------- versions

_VERSION = re.compile(
    r"""^v?(?P<release>\d+(?:\.\d+)*)
        (?:[-_.]?(?P<pre_l>a|b|rc|alpha|beta|c)[-_.]?(?P<pre_n>\d*))?
        (?:[-_.]?post[-_.]?(?P<post>\d*))?
        (?:[-_.]?dev[-_.]?(?P<dev>\d*))?$""",
    re.X | re.I,
)
_PRE_ORDER = {"a": 0, "alpha": 0, "b": 1, "beta": 1, "c": 2, "rc": 2}


def version_key(version: str) -> tuple[Any, ...]:
    """A sort key for PEP 440 versions without epochs or local parts."""
    match = _VERSION.match(version.strip())
    if not match:
        raise ValueError(f"unsupported version {version!r}")
    release = [int(p) for p in match["release"].split(".")]
    while len(release) > 1 and release[-1] == 0:
        release.pop()
    inf = float("inf")
    if match["pre_l"]:
        pre: tuple[float, int] = (_PRE_ORDER[match["pre_l"].lower()], int(match["pre_n"] or 0))
    elif match["dev"] is not None and match["post"] is None:
        pre = (-1, 0)  # 1.0.dev1 sorts before 1.0a1
    else:
        pre = (inf, 0)
    post = int(match["post"] or 0) if match["post"] is not None else -1
    dev = int(match["dev"] or 0) if match["dev"] is not None else inf
    return (tuple(release), pre, post, dev)


def _release(version: str) -> list[int]:
    match = _VERSION.match(version.strip())
    if not match:
        raise ValueError(f"unsupported version {version!r}")
    return [int(p) for p in match["release"].split(".")]


def specifier_contains(spec: str, version: str) -> bool:
    """Whether ``version`` satisfies a comma-separated PEP 440 specifier (``>=0.1,<1``)."""
    for clause in filter(None, (c.strip() for c in spec.split(","))):
        match = re.match(r"^(~=|===|==|!=|<=|>=|<|>)\s*(.+)$", clause)
        if not match:
            raise ValueError(f"cannot parse specifier clause {clause!r}")
        op, target = match.groups()
        if op in ("==", "!=") and target.endswith(".*"):
            prefix = _release(target[:-2])
            padded = _release(version) + [0] * len(prefix)
            equal = padded[: len(prefix)] == prefix
            ok = equal if op == "==" else not equal
        elif op == "===":
            ok = version == target
        elif op == "~=":
            parts = _release(target)
            if len(parts) < 2:
                raise ValueError(f"~= needs at least two release parts: {clause!r}")
            upper = ".".join(str(p) for p in [*parts[:-2], parts[-2] + 1])
            ok = version_key(version) >= version_key(target) and version_key(version) < version_key(
                upper + ".dev0"
            )
        else:
            v, t = version_key(version), version_key(target)
            ok = {
                "==": v == t,
                "!=": v != t,
                "<=": v <= t,
                ">=": v >= t,
                "<": v < t,
                ">": v > t,
            }[op]
        if not ok:
            return False
    return True


def print_columns(rows: list[tuple[str, ...]]) -> None:
    """Print ``rows`` (the first one is the header) as aligned columns."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for index, row in enumerate(rows):
        print("  ".join(cell.ljust(widths[j]) for j, cell in enumerate(row)).rstrip())
        if index == 0:
            print("  ".join("-" * width for width in widths))
