#!/usr/bin/env python3
"""Check that versions agree across the monorepo.

    python scripts/pins.py check     # exit 1 with one line per mismatch
    python scripts/pins.py show      # versions and what pins/ranges point at them
    python scripts/pins.py sync      # re-pin the meta-package to every current version

``check`` verifies that

* the meta-package ``restflow`` lists every distribution in ``dependencies``
  pinned with ``==`` to that distribution's current ``__about__.py`` version,
  and nothing else of restflow;
* every pin in the meta-package's extras (``restflow-x[extra]==v``) uses the
  current version of ``restflow-x`` and names an extra that ``restflow-x``
  declares, and every extra of every distribution is passed through by some
  meta extra;
* every sibling requirement between distributions (``restflow-core>=0.1.0,<0.2``)
  admits the current version of the required distribution, and is a range,
  not an exact pin (only the meta-package pins exactly);
* every sibling requirement's floor is a release of the sibling that provides what
  the requiring package imports from it, and its cap excludes the sibling's next
  breaking release (``scripts/floors.py`` says how);
* every release tag is recorded in ``packages/releases.toml``, with the same source
  (``scripts/releases.py``).
"""

from __future__ import annotations

import sys

import _cli
import floors
import releases
from _repo import (
    META_NAME,
    Distribution,
    admits,
    exact_pin,
    is_restflow,
    load_distributions,
    repin_meta,
)


def check(dists: dict[str, Distribution]) -> list[str]:
    """Every pin/range problem, as readable one-line messages."""
    problems: list[str] = []
    versions = {name: d.version for name, d in dists.items()}
    meta = dists.get(META_NAME)
    members = [name for name in dists if name != META_NAME]

    if meta is None:
        problems.append(f"no meta-package {META_NAME!r} under packages/")
    else:
        where = f"{meta.pyproject_path}"
        pinned: set[str] = set()
        for req in meta.dependencies:
            if not is_restflow(req.name):
                continue
            if req.name not in versions or req.name == META_NAME:
                problems.append(
                    f"{where}: dependency {req.raw!r} is not a distribution of this repository"
                )
                continue
            pinned.add(req.name)
            pin = exact_pin(req)
            if pin is None:
                problems.append(
                    f"{where}: dependency {req.raw!r} must pin exactly:"
                    f" {req.name}=={versions[req.name]}"
                )
            elif pin != versions[req.name]:
                problems.append(
                    f"{where}: pins {req.name}=={pin} but {dists[req.name].version_file} "
                    f"says {versions[req.name]}"
                )
        for name in members:
            if name not in pinned:
                problems.append(f"{where}: dependencies lack {name}=={versions[name]}")

        passed_through: set[tuple[str, str]] = set()
        for extra, reqs in meta.extras.items():
            for req in reqs:
                if not is_restflow(req.name):
                    continue
                label = f"{where}: extra [{extra}] {req.raw!r}"
                if req.name not in versions or req.name == META_NAME:
                    problems.append(f"{label} is not a distribution of this repository")
                    continue
                pin = exact_pin(req)
                if pin is None:
                    problems.append(f"{label} must pin exactly: ==")
                elif pin != versions[req.name]:
                    problems.append(f"{label} pins {pin} but {req.name} is {versions[req.name]}")
                for sub_extra in req.extras:
                    if sub_extra not in dists[req.name].extras:
                        problems.append(
                            f"{label} names extra [{sub_extra}], which {req.name} does not declare"
                        )
                    passed_through.add((req.name, sub_extra))
        for name in members:
            for extra in dists[name].extras:
                if (name, extra) not in passed_through:
                    problems.append(f"{where}: no extra passes through {name}[{extra}]")

    for name in members:
        dist = dists[name]
        for req in dist.dependencies + [r for reqs in dist.extras.values() for r in reqs]:
            if not is_restflow(req.name):
                continue
            label = f"{dist.pyproject_path}: {req.raw!r}"
            if req.name == META_NAME:
                problems.append(f"{label}: a distribution must not depend on the meta-package")
                continue
            if req.name not in versions:
                problems.append(f"{label}: {req.name} is not a distribution of this repository")
                continue
            if exact_pin(req) is not None:
                problems.append(
                    f"{label}: siblings use ranges (e.g. >=0.1.0,<0.2); only the "
                    f"meta-package pins exactly"
                )
            if not req.specifier:
                problems.append(f"{label}: give a range that admits {versions[req.name]}")
            elif not admits(req, versions[req.name]):
                problems.append(
                    f"{label}: does not admit the current {req.name} {versions[req.name]}"
                )
    return problems


def show(dists: dict[str, Distribution]) -> None:
    """Print each distribution's version and what the meta-package pins."""
    meta = dists.get(META_NAME)
    pins = {r.name: str(r.specifier) for r in meta.dependencies} if meta else {}
    rows = [("distribution", "version", "meta pin", "sibling requirements")]
    for name, dist in dists.items():
        siblings = ", ".join(r.raw for r in dist.restflow_requirements if name != META_NAME)
        rows.append(
            (
                name,
                dist.version,
                pins.get(name, "-") if name != META_NAME else "(meta)",
                siblings or "-",
            )
        )
    _cli.print_columns(rows)


def sync(dists: dict[str, Distribution]) -> list[str]:
    """Re-pin the meta-package's ``==`` pins to each distribution's current version."""
    meta = dists.get(META_NAME)
    if meta is None:
        return []
    before = meta.pyproject_path.read_text(encoding="utf-8")
    text = before
    changed = []
    for name, dist in dists.items():
        if name == META_NAME:
            continue
        updated, _ = repin_meta(text, name, dist.version)
        if updated != text:
            changed.append(f"{name}=={dist.version}")
            text = updated
    if text != before:
        meta.pyproject_path.write_text(text, encoding="utf-8")
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = _cli.parser(__doc__)
    parser.add_argument("command", choices=("check", "show", "sync"))
    args = parser.parse_args(argv)
    dists = load_distributions(args.root.resolve())
    if args.command == "show":
        show(dists)
        return 0
    if args.command == "sync":
        changed = sync(dists)
        print(f"pins sync: {', '.join(changed) if changed else 'already in step'}")
        return 0
    root = args.root.resolve()
    problems = check(dists) + floors.check(root, dists) + releases.problems(root)
    if problems:
        for problem in problems:
            print(f"pins: {problem}")
        print(
            f"pins check failed: {len(problems)} problem(s). "
            f"`python scripts/bump.py <distribution> <part>` keeps the meta pins in step."
        )
        return 1
    members = [n for n in dists if n != META_NAME]
    print(
        f"pins check passed: the meta-package pins {len(members)} distributions "
        "at their current versions "
        f"({', '.join(f'{n}=={dists[n].version}' for n in members)}); sibling ranges admit them, "
        "their floors are releases that provide what each package imports"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
