#!/usr/bin/env python3
"""Bump one distribution's version and keep the meta-package pins in step.

    python scripts/bump.py restflow-filters minor [--dry-run] [--date 2026-05-01]
    python scripts/bump.py filters patch          # short names work too
    python scripts/bump.py restflow minor         # the meta-package's own version only

For a distribution ``restflow-x`` it (step 3-4 skipped with ``--no-meta``)

1. rewrites ``__version__`` in its ``__about__.py`` (the path hatch reads);
2. moves the entries under ``## [Unreleased]`` in its ``CHANGELOG.md`` to a
   new ``## [x.y.z] - <date>`` section, leaving an empty ``## [Unreleased]``;
3. updates every pin of ``restflow-x`` in the meta-package's ``pyproject.toml``
   (``dependencies`` and extras such as ``restflow-x[postgres]==…``);
4. adds a line to the meta-package CHANGELOG's ``## [Unreleased]`` section.

Other distributions are left untouched; a sibling range that no longer
admits the new version is reported as a warning (then edit that range, and
``python scripts/pins.py check``).  Bumping ``restflow`` itself does steps 1-2
for the meta-package only.  ``--dry-run`` prints the diffs and writes nothing.
"""

from __future__ import annotations

import datetime
import difflib
import re
import sys
import tomllib
from pathlib import Path

import _cli
from _repo import (
    META_NAME,
    Distribution,
    Requirement,
    admits,
    exact_pin,
    load_distributions,
    repin_meta,
    write_version,
)
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

PARTS = ("major", "minor", "patch")
UNRELEASED = re.compile(r"^##\s+\[?unreleased\]?\s*$", re.I)
EMPTY_RELEASE_NOTE = "- No changes were recorded under Unreleased."


class BumpError(Exception):
    """The bump cannot be done as asked; the message says why."""


def next_version(version: str, part: str) -> str:
    """``1.2.3`` + ``minor`` -> ``1.3.0`` (plain ``X.Y.Z`` versions only)."""
    try:
        parsed = Version(version)
    except InvalidVersion:
        parsed = None
    if parsed is None or len(parsed.release) != 3 or parsed.base_version != version:
        raise BumpError(f"version {version!r} is not of the form X.Y.Z; edit it by hand")
    major, minor, patch = parsed.release
    if part == "major":
        return f"{major + 1}.0.0"
    if part == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


def _unreleased(text: str, path: Path) -> tuple[list[str], list[str], list[str]]:
    """The lines up to the ``## [Unreleased]`` heading, its entries (no blank lines around
    them) and the lines from the next ``## `` heading on."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if UNRELEASED.match(line.strip())), None)
    if start is None:
        raise BumpError(f"{path}: no '## [Unreleased]' heading")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    body = lines[start + 1 : end]
    filled = [i for i, line in enumerate(body) if line.strip()]
    entries = body[filled[0] : filled[-1] + 1] if filled else []
    return lines[: start + 1], entries, lines[end:]


def _joined(head: list[str], section: list[str], tail: list[str]) -> str:
    return "\n".join([*head, "", *section, *(["", *tail] if tail else [])]) + "\n"


def release_changelog(text: str, version: str, date: str, path: Path) -> tuple[str, int]:
    """Move the Unreleased entries under a new ``## [version] - date`` heading.

    Returns the new text and how many non-blank lines were moved.
    """
    head, entries, tail = _unreleased(text, path)
    moved = sum(1 for line in entries if line.strip())
    section = [f"## [{version}] - {date}", "", *(entries or [EMPTY_RELEASE_NOTE])]
    return _joined(head, section, tail), moved


def add_unreleased_entry(text: str, entry: str, path: Path) -> str:
    """Append ``entry`` to the end of the Unreleased section."""
    head, entries, tail = _unreleased(text, path)
    return _joined(head, [*entries, entry], tail)


def resolve(name: str, dists: dict[str, Distribution]) -> Distribution:
    """Find a distribution by full name, short name (``filters``) or subpackage (``caching``)."""
    wanted = canonicalize_name(name)
    for candidate in (wanted, f"{META_NAME}-{wanted}"):
        if candidate in dists:
            return dists[candidate]
    for dist in dists.values():
        if wanted in dist.subpackages:
            return dist
    raise BumpError(f"unknown distribution {name!r}; known: {', '.join(dists)}")


def plan(
    root: Path, name: str, part: str, date: str, *, meta_pins: bool = True
) -> tuple[dict[Path, tuple[str, str]], list[str], list[str]]:
    """Compute the bump: {path: (old, new text)}, a summary, and warnings."""
    dists = load_distributions(root)
    dist = resolve(name, dists)
    old = dist.version
    new = next_version(old, part)
    changes: dict[Path, tuple[str, str]] = {}
    summary = [f"{dist.name}: {old} -> {new}"]
    warnings: list[str] = []

    def stage(path: Path, text: str) -> None:
        before = changes[path][0] if path in changes else path.read_text(encoding="utf-8")
        changes[path] = (before, text)

    def current(path: Path) -> str:
        return changes[path][1] if path in changes else path.read_text(encoding="utf-8")

    stage(dist.version_file, write_version(dist.version_file, new))
    summary.append(f"  {dist.version_file.relative_to(root)}: __version__ = {new!r}")

    changelog, moved = release_changelog(current(dist.changelog), new, date, dist.changelog)
    stage(dist.changelog, changelog)
    summary.append(
        f"  {dist.changelog.relative_to(root)}: {moved} Unreleased line(s) -> ## [{new}] - {date}"
    )
    if not moved:
        warnings.append(
            f"{dist.changelog.relative_to(root)} had nothing under Unreleased; "
            f"wrote {EMPTY_RELEASE_NOTE!r}"
        )

    if not dist.is_meta:
        meta = dists.get(META_NAME)
        if not meta_pins:
            warnings.append(
                f"--no-meta: the meta-package still pins the old {dist.name} {old}; "
                "`python scripts/pins.py check` fails until `python scripts/pins.py sync`"
            )
        elif meta is None:
            warnings.append("no meta-package found: no pin to update")
        else:
            text, count = repin_meta(current(meta.pyproject_path), dist.name, new)
            if count == 0:
                warnings.append(
                    f"{meta.pyproject_path.relative_to(root)} does not pin {dist.name}; "
                    f"nothing to update there"
                )
            else:
                parsed = tomllib.loads(text)  # prove the edit kept valid TOML and caught every pin
                reqs = list(parsed["project"].get("dependencies", []))
                reqs += [
                    r
                    for rs in parsed["project"].get("optional-dependencies", {}).values()
                    for r in rs
                ]
                stale = [
                    r.raw
                    for r in map(Requirement, reqs)
                    if r.name == dist.name and exact_pin(r) != new
                ]
                if stale:
                    raise BumpError(
                        f"could not update these pins in {meta.pyproject_path}: {stale}"
                    )
                stage(meta.pyproject_path, text)
                summary.append(
                    f"  {meta.pyproject_path.relative_to(root)}: {count} pin(s) of {dist.name}"
                    f" -> =={new}"
                )
                entry = f"- Pin {dist.name}=={new} (was {old})."
                stage(
                    meta.changelog,
                    add_unreleased_entry(current(meta.changelog), entry, meta.changelog),
                )
                summary.append(f"  {meta.changelog.relative_to(root)}: Unreleased += {entry!r}")
        for other in dists.values():
            if other.is_meta or other is dist:
                continue
            for req in other.dependencies:
                if req.name == dist.name and req.specifier and not admits(req, new):
                    warnings.append(
                        f"{other.name} requires {req.name}{req.specifier}, which excludes {new}: "
                        f"widen it in {other.pyproject_path.relative_to(root)} "
                        f"(bump.py leaves other packages untouched)"
                    )
    return changes, summary, warnings


def main(argv: list[str] | None = None) -> int:
    parser = _cli.parser(__doc__)
    parser.add_argument(
        "distribution", help="e.g. restflow-filters, filters, or restflow (the meta-package)"
    )
    parser.add_argument("part", choices=PARTS)
    parser.add_argument("--dry-run", action="store_true", help="print the diffs, write nothing")
    parser.add_argument(
        "--no-meta",
        action="store_true",
        help="leave the meta-package's pins alone (re-pin later with pins.py sync)",
    )
    parser.add_argument(
        "--date",
        default=datetime.date.today().isoformat(),
        help="release date for the CHANGELOG heading (default: today, %(default)s)",
    )
    args = parser.parse_args(argv)
    root = args.root.resolve()
    try:
        changes, summary, warnings = plan(
            root, args.distribution, args.part, args.date, meta_pins=not args.no_meta
        )
    except (BumpError, ValueError, FileNotFoundError) as exc:
        print(f"bump: error: {exc}", file=sys.stderr)
        return 1

    if args.dry_run:
        for path, (before, after) in changes.items():
            rel = str(path.relative_to(root))
            sys.stdout.writelines(
                difflib.unified_diff(
                    before.splitlines(True), after.splitlines(True), f"a/{rel}", f"b/{rel}"
                )
            )
    else:
        for path, (_, after) in changes.items():
            path.write_text(after, encoding="utf-8")
    print(("dry run, nothing written: " if args.dry_run else "bumped ") + summary[0])
    print("\n".join(summary[1:]))
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
