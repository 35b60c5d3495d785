#!/usr/bin/env python3
"""The compatibility tables of docs/compatibility.md, derived from hatch.toml and the pyprojects.

    python scripts/compat.py            # print the tables
    python scripts/compat.py --check    # exit 1 when the page's tables differ from them
    python scripts/compat.py --write    # rewrite the tables in the page

Per distribution: the Python, Django and DRF releases its own suite runs on (the
hatch environments whose ``test`` runs ``packages/<distribution>/tests``, their
matrices and the ``django``/``drf`` overrides; a suite that does not choose a DRF
release gets the newest, the highest release any override names), beside what its
pyproject requires (directly or through the restflow distributions it requires), its
other requirements and its extras. Then the services and servers the suites run
against: the client each needs (a distribution's extra, else the hatch test
dependency) and the environments that use it (``RESTFLOW_SERVICES``,
``RESTFLOW_TEST_DB=postgres`` in a test script, an ASGI server in the environment).

The page holds each table between ``<!-- compat:<block>:begin -->`` and
``<!-- compat:<block>:end -->`` (blocks ``packages`` and ``services``); the rest of it is
prose (tests: ``scripts/tests/test_compat.py``).
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
FRAMEWORKS = {"django": "Django", "djangorestframework": "DRF"}
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


def _joined(values: set[str]) -> str:
    return ", ".join(sorted(values, key=Version))


def required(dists: dict[str, Distribution], name: str, project: str) -> str:
    """What ``name`` requires of ``project``, directly or through a restflow requirement."""
    for owner in requirement_closure(name, dists):
        for req in dists[owner].dependencies if owner in dists else []:
            if req.name == project:
                via = "" if owner == name else f" (through {owner})"
                return f"{req.specifier}{via}"
    return "—"


def distribution_row(
    hatch: dict[str, Any], dists: dict[str, Distribution], dist: Distribution, root: Path
) -> list[str]:
    cells = tested(hatch, dist, root)
    project = dist.pyproject["project"]
    pythons = set().union(*(cell["python"] for cell in cells.values())) if cells else set()
    django = "; ".join(
        f"{label} (Python {_joined(cell['python'])})" for label, cell in sorted(cells.items())
    )
    drf_sets = {frozenset(cell["drf"]) for cell in cells.values()}
    if len(drf_sets) == 1:
        drf = _joined(set(next(iter(drf_sets))))
    else:
        drf = "; ".join(
            f"{_joined(cell['drf'])} on Django {label}" for label, cell in sorted(cells.items())
        )
    others = [
        f"`{req.raw}`"
        for req in dist.dependencies
        if req.name not in FRAMEWORKS and req.name != "asgiref"
    ]
    if dist.name == META_NAME:
        extras = "every extra of the six, passed through"
        others = ["the six, pinned `==`"]
    else:
        extras = "<br>".join(
            f"`{extra}`: " + ", ".join(f"`{req.raw}`" for req in reqs)
            for extra, reqs in dist.extras.items()
        )
    return [
        f"`{dist.name}`",
        f"{project.get('requires-python', '')}: {_joined(pythons)}",
        f"{required(dists, dist.name, 'django')}: {django}",
        f"{required(dists, dist.name, 'djangorestframework')}: {drf}",
        required(dists, dist.name, "asgiref"),
        ", ".join(others) or "—",
        extras or "—",
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
    head = ["distribution", "Python", "Django", "DRF", "asgiref", "also requires", "extras"]
    order = sorted(dists.values(), key=lambda d: (d.name != "restflow-core", d.is_meta))
    rows = [distribution_row(hatch, dists, dist, root) for dist in order]
    packages = [_row(head), _row(["---"] * len(head)), *map(_row, rows)]
    head = ["service", "client (requirement)", "test environments that install the client"]
    services = [_row(head), _row(["---"] * len(head))]
    for service, projects in SERVICES.items():
        envs = [
            name
            for name, env in hatch["envs"].items()
            if _suite(env) and _installs(env, dists, root) & set(projects)
        ]
        cells = [service, client(hatch, dists, projects), ", ".join(f"`{e}`" for e in envs)]
        services.append(_row(cells))
    return {"packages": "\n".join(packages) + "\n", "services": "\n".join(services) + "\n"}


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def markers(block: str) -> tuple[str, str]:
    return f"<!-- compat:{block}:begin -->", f"<!-- compat:{block}:end -->"


def page_tables(text: str) -> dict[str, str]:
    """What the page holds between each block's markers ("" for a block it lacks)."""
    found: dict[str, str] = {}
    for block in ("packages", "services"):
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
