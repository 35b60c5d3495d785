#!/usr/bin/env python3
"""The compatibility tables of docs/compatibility.md, derived from hatch.toml and the pyprojects.

    python scripts/compat.py            # print the tables
    python scripts/compat.py --check    # exit 1 when the page's tables differ from them
    python scripts/compat.py --write    # rewrite the tables in the page

The page holds four tables, each between ``<!-- compat:<block>:begin -->`` and
``<!-- compat:<block>:end -->``; the rest of it is prose
(tests: ``scripts/tests/test_compat.py``):

``requires``  each distribution's Python, Django and DRF requirements (its own, or
              inherited from the restflow distributions it requires, marked ``¹``),
              its other requirements and its extras, from the pyprojects;
``tested``    per Django series, the Pythons and DRF releases its own suite runs on:
              the hatch environments whose ``test`` runs ``packages/<dir>/tests``,
              their matrices and the ``django``/``drf`` overrides (a suite that does
              not choose a DRF release gets the newest: the highest any override names);
``extras``    what each extra installs;
``services``  PostgreSQL, Redis and uvicorn: the client's requirement (a
              distribution's extra, else hatch's test dependency) and the test
              environments that install it.
"""

from __future__ import annotations

import itertools
import sys
import tomllib
from pathlib import Path
from typing import Any

import _cli
from _repo import META_NAME, Distribution, Requirement, load_distributions, requirement_closure
from packaging.version import Version

PAGE = Path("docs") / "compatibility.md"
BLOCKS = ("requires", "tested", "extras", "services")
FRAMEWORKS = ("django", "djangorestframework")  # their own columns
SERVICES = {  # row -> the projects of its clients (or the server itself)
    "PostgreSQL": ("psycopg",),
    "Redis": ("redis", "django-redis"),
    "uvicorn (ASGI server)": ("uvicorn",),
}


def _tests(env: dict[str, Any]) -> list[str]:
    test = env.get("scripts", {}).get("test", [])
    return [test] if isinstance(test, str) else list(test)


def _override(hatch: dict[str, Any], variable: str) -> dict[str, str]:
    """Matrix value -> the requirement hatch installs for it (``"6"`` -> ``django>=6.0,<7``)."""
    overrides = hatch["envs"]["default"].get("overrides", {}).get("matrix", {})
    entries = overrides.get(variable, {}).get("dependencies", [])
    return {value: entry["value"] for entry in entries for value in entry["if"]}


def django_label(value: str) -> str:
    """A matrix value as a release series: ``5.2``, or ``6.x`` for ``6``."""
    return value if "." in value else f"{value}.x"


def tested(hatch: dict[str, Any], dist: Distribution, root: Path) -> dict[str, dict[str, set]]:
    """Django label -> {"python": versions, "drf": releases} the distribution's suite runs on."""
    suite = f"{dist.directory.relative_to(root).as_posix()}/tests"
    newest = max(_override(hatch, "drf"), key=Version, default="newest")
    found: dict[str, dict[str, set]] = {}
    for env in hatch["envs"].values():
        if not any(suite in command for command in _tests(env)):
            continue
        for entry in env.get("matrix", []):
            for python, django, drf in itertools.product(
                entry.get("python", []), entry.get("django", []), entry.get("drf", [newest])
            ):
                cell = found.setdefault(django_label(django), {"python": set(), "drf": set()})
                cell["python"].add(python)
                cell["drf"].add(drf)
    return found


def _series(label: str) -> Version:
    return Version(label.removesuffix(".x"))


def _joined(values: set[str]) -> str:
    return ", ".join(sorted(values, key=Version))


def required(dists: dict[str, Distribution], name: str, project: str) -> str:
    """What ``name`` requires of ``project``; ``¹`` marks a requirement of restflow-core's."""
    for owner in requirement_closure(name, dists):
        for req in dists[owner].dependencies if owner in dists else []:
            if req.name == project:
                return f"{req.specifier}{'' if owner == name else ' ¹'}"
    return "—"


def requires_row(dists: dict[str, Distribution], dist: Distribution) -> list[str]:
    """Python, Django, DRF, the other requirements and the extras, from the pyproject."""
    if dist.name == META_NAME:
        others, extras = "every other distribution, pinned `==`", "every extra above"
    else:
        others = ", ".join(f"`{r.raw}`" for r in dist.dependencies if r.name not in FRAMEWORKS)
        extras = ", ".join(f"`{extra}`" for extra in dist.extras)
    return [
        f"`{dist.name}`",
        dist.pyproject["project"].get("requires-python", "—"),
        required(dists, dist.name, "django"),
        required(dists, dist.name, "djangorestframework"),
        others or "—",
        extras or "—",
    ]


def tested_row(
    cells: dict[str, dict[str, set]], labels: list[str], dist: Distribution
) -> list[str]:
    """Per Django release: the Pythons and DRF releases the distribution's suite runs on."""
    return [f"`{dist.name}`"] + [
        f"Python {_joined(cells[label]['python'])}; DRF {_joined(cells[label]['drf'])}"
        if label in cells
        else "—"
        for label in labels
    ]


def _suite(env: dict[str, Any]) -> bool:
    """Whether an environment runs a package's suite or tests-integration."""
    return any("packages/" in c or "tests-integration" in c for c in _tests(env))


def _installs(env: dict[str, Any], dists: dict[str, Distribution], root: Path) -> set[str]:
    """The projects an environment installs besides its members: its dependencies and
    the requirements of the extras (``features``) it installs its members with."""
    raw = env.get("extra-dependencies", []) + env.get("dependencies", [])
    names = {Requirement(r).name for r in raw}
    by_path = {d.directory.relative_to(root).as_posix(): d for d in dists.values()}
    for member in env.get("workspace", {}).get("members", []):
        if isinstance(member, dict) and member["path"] in by_path:
            extras = by_path[member["path"]].extras
            for feature in member.get("features", []):
                names |= {r.name for r in extras.get(feature, [])}
                names |= {n for r in extras.get(feature, []) for n in _extras_of(r, dists)}
    return names


def _extras_of(req: Requirement, dists: dict[str, Distribution]) -> set[str]:
    """The projects a ``restflow-x[extra]`` requirement brings through its extras."""
    if req.name not in dists:
        return set()
    return {r.name for extra in req.extras for r in dists[req.name].extras.get(extra, [])}


def client(hatch: dict[str, Any], dists: dict[str, Distribution], projects: tuple[str, ...]) -> str:
    """A service's client requirements: a distribution's extra, and hatch's test dependency."""
    found: dict[str, str] = {}  # requirement -> where it comes from
    for dist in dists.values():
        for extra, reqs in dist.extras.items():
            for req in reqs:
                if req.name in projects and dist.name != META_NAME:
                    found.setdefault(req.raw, f"`{dist.name}[{extra}]`")
    for env in hatch["envs"].values():
        for raw in env.get("extra-dependencies", []):
            if Requirement(raw).name in projects and Requirement(raw).specifier:
                found.setdefault(raw, "tests")
    return ", ".join(f"`{raw}` ({where})" for raw, where in found.items()) or "—"


def render(root: Path) -> dict[str, str]:
    """The tables, by block name, as they belong between the page's markers."""
    hatch = tomllib.loads((root / "hatch.toml").read_text(encoding="utf-8"))
    dists = load_distributions(root)
    order = sorted(dists.values(), key=lambda d: (d.name != "restflow-core", d.is_meta))
    cells = {dist.name: tested(hatch, dist, root) for dist in order}
    labels = sorted({label for found in cells.values() for label in found}, key=_series)
    extras = [
        [f"`{dist.name}[{extra}]`", ", ".join(f"`{r.raw}`" for r in reqs)]
        for dist in order
        if not dist.is_meta
        for extra, reqs in dist.extras.items()
    ]
    services = []
    for service, projects in SERVICES.items():
        envs = [
            name
            for name, env in hatch["envs"].items()
            if _suite(env) and _installs(env, dists, root) & set(projects)
        ]
        services.append(
            [service, client(hatch, dists, projects), ", ".join(f"`{e}`" for e in envs)]
        )
    return {
        "requires": _table(
            ["distribution", "Python", "Django", "DRF", "also requires", "extras"],
            [requires_row(dists, dist) for dist in order],
        ),
        "tested": _table(
            ["distribution", *(f"Django {label}" for label in labels)],
            [tested_row(cells[dist.name], labels, dist) for dist in order],
        ),
        "extras": _table(["extra", "installs"], extras),
        "services": _table(
            ["service", "client (requirement)", "test environments with the client"], services
        ),
    }


def _table(head: list[str], rows: list[list[str]]) -> str:
    lines = [_row(head), _row(["---"] * len(head)), *map(_row, rows)]
    return "\n".join(lines) + "\n"


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def markers(block: str) -> tuple[str, str]:
    return f"<!-- compat:{block}:begin -->", f"<!-- compat:{block}:end -->"


def page_tables(text: str) -> dict[str, str]:
    """What the page holds between each block's markers ("" for a block it lacks)."""
    found: dict[str, str] = {}
    for block in BLOCKS:
        begin, end = markers(block)
        if begin in text and end in text:
            found[block] = text.split(begin, 1)[1].split(end, 1)[0].strip("\n") + "\n"
        else:
            found[block] = ""
    return found


def rewrite(text: str, tables: dict[str, str]) -> str:
    """``text`` with each block's tables replaced."""
    for block, table in tables.items():
        begin, end = markers(block)
        if begin not in text or end not in text:
            raise SystemExit(f"{PAGE}: no {begin} ... {end} block")
        before, rest = text.split(begin, 1)
        text = f"{before}{begin}\n\n{table}\n{end}{rest.split(end, 1)[1]}"  # blank lines: a table
    return text


def main(argv: list[str] | None = None) -> int:
    parser = _cli.parser(__doc__)
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--check", action="store_true", help="compare with the page")
    action.add_argument("--write", action="store_true", help="rewrite the page's tables")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    tables = render(root)
    page = root / PAGE
    if args.write:
        page.write_text(rewrite(page.read_text(encoding="utf-8"), tables), encoding="utf-8")
        print(f"compat: wrote the tables of {PAGE}")
    elif args.check:
        if page_tables(page.read_text(encoding="utf-8")) != tables:
            print(
                f"compat: {PAGE} disagrees with hatch.toml and the pyprojects "
                "(python scripts/compat.py --write)"
            )
            return 1
        print(f"compat: {PAGE} agrees with hatch.toml and the pyprojects")
    else:
        sys.stdout.write("\n".join(tables.values()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
