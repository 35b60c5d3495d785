#!/usr/bin/env python3
"""Where each release's source is: its git tag, and ``packages/releases.toml``.

    python scripts/releases.py            # the problems, one per line (pins.py check runs it)
    python scripts/releases.py record     # record every release tag the file lacks

``scripts/release.py --tag`` tags a release ``<distribution>-v<version>`` and records,
in ``packages/releases.toml``, the git tree of the distribution's directory at that
release. A clone without tags (a bundle or a push of the branch alone carries none)
still finds every release through that record, since the tree is part of the
branch's history; where both are present they must name the same tree.
"""

from __future__ import annotations

import os
import sys
import tempfile
import tomllib
from pathlib import Path

import _cli
from _repo import Distribution, load_distributions
from packaging.version import Version

RECORD = Path("packages") / "releases.toml"
HEADER = """\
# The git tree of each distribution's directory at each of its releases, written by
# scripts/release.py --tag (scripts/releases.py says why). Do not edit by hand.
"""


def tag_name(name: str, version: str) -> str:
    """The tag ``scripts/release.py`` gives a release: ``<distribution>-v<version>``."""
    return f"{name}-v{version}"


def _git(root: Path, *args: str, env: dict[str, str] | None = None) -> str | None:
    """``git -C root args``' output, stripped; None when it fails."""
    done = _cli.run(["git", "-C", str(root), *args], env=env)
    return done.stdout.strip() if done.returncode == 0 else None


def tag_exists(root: Path, tag: str) -> bool:
    return _git(root, "rev-parse", "-q", "--verify", f"refs/tags/{tag}") is not None


def load(root: Path) -> dict[str, dict[str, str]]:
    """The record: ``{distribution: {version: tree}}`` (empty when there is no file)."""
    path = root / RECORD
    if not path.is_file():
        return {}
    return tomllib.loads(path.read_text(encoding="utf-8"))


def dump(records: dict[str, dict[str, str]]) -> str:
    """The record's text: distributions and versions sorted, one table each."""
    parts = [HEADER]
    for name in sorted(records):
        rows = sorted(records[name].items(), key=lambda item: Version(item[0]))
        parts.append(f"\n[{name}]\n" + "".join(f'"{v}" = "{tree}"\n' for v, tree in rows))
    return "".join(parts)


def record_release(root: Path, name: str, version: str, tree: str) -> None:
    """Record ``tree`` as the source of ``name`` ``version``."""
    records = load(root)
    records.setdefault(name, {})[version] = tree
    (root / RECORD).write_text(dump(records), encoding="utf-8")


def _relative(root: Path, dist: Distribution) -> str:
    return dist.directory.resolve().relative_to(root.resolve()).as_posix()


def tagged_tree(root: Path, dist: Distribution, version: str) -> str | None:
    """The tree of ``dist``'s directory at its tag for ``version``; None when untagged."""
    tag = tag_name(dist.name, version)
    if not tag_exists(root, tag):
        return None
    return _git(root, "rev-parse", "-q", "--verify", f"refs/tags/{tag}:{_relative(root, dist)}")


def release_tree(root: Path, dist: Distribution, version: str) -> str | None:
    """The tree ``dist`` ``version`` was released from: its tag's, else the recorded one
    when this repository has it; None when neither."""
    tree = tagged_tree(root, dist, version)
    if tree is not None:
        return tree
    recorded = load(root).get(dist.name, {}).get(version)
    if recorded and _git(root, "cat-file", "-t", recorded) == "tree":
        return recorded
    return None


def is_released(root: Path, dist: Distribution, version: str) -> bool:
    """Whether ``version`` of ``dist`` is tagged or recorded already."""
    recorded = version in load(root).get(dist.name, {})
    return recorded or tag_exists(root, tag_name(dist.name, version))


def tree_with(root: Path, dist: Distribution, paths: list[str]) -> str:
    """The tree ``dist``'s directory will have once ``paths`` are committed on ``HEAD``
    (``git commit -- paths``): built in a scratch index, the real one untouched."""
    with tempfile.TemporaryDirectory() as scratch:
        env = {**os.environ, "GIT_INDEX_FILE": str(Path(scratch) / "index")}
        steps = [("read-tree", "HEAD"), ("add", "--", *paths)]
        for step in steps:
            if _git(root, *step, env=env) is None:
                raise SystemExit(f"releases: git {' '.join(step)} failed in {root}")
        tree = _git(root, "write-tree", f"--prefix={_relative(root, dist)}/", env=env)
    if not tree:
        raise SystemExit(f"releases: cannot write the tree of {dist.directory}")
    return tree


def problems(root: Path) -> list[str]:
    """Tags the record lacks or contradicts, and recorded trees this repository lacks."""
    dists = load_distributions(root)
    records = load(root)
    found: list[str] = []
    for name, versions in sorted(records.items()):
        if name not in dists:
            found.append(f"{RECORD}: records {name}, which is not a distribution here")
            continue
        for version, tree in versions.items():
            tagged = tagged_tree(root, dists[name], version)
            if tagged is not None and tagged != tree:
                found.append(
                    f"{RECORD}: {name} {version} is tree {tree}, but its tag "
                    f"{tag_name(name, version)} has {tagged}"
                )
            elif _git(root, "cat-file", "-t", tree) != "tree":
                found.append(f"{RECORD}: {name} {version}'s tree {tree} is not in this repository")
    listed = _git(root, "tag", "--list", "restflow*-v*") or ""
    for tag in listed.split():
        name, _, version = tag.rpartition("-v")
        if name in dists and version not in records.get(name, {}):
            found.append(f"tag {tag} is not in {RECORD} (python scripts/releases.py record)")
    return found


def record_tags(root: Path) -> list[str]:
    """Record every release tag the file lacks; returns the tags recorded."""
    dists = load_distributions(root)
    done: list[str] = []
    for tag in (_git(root, "tag", "--list", "restflow*-v*") or "").split():
        name, _, version = tag.rpartition("-v")
        if name not in dists or version in load(root).get(name, {}):
            continue
        tree = tagged_tree(root, dists[name], version)
        if tree is not None:
            record_release(root, name, version, tree)
            done.append(tag)
    return done


def main(argv: list[str] | None = None) -> int:
    parser = _cli.parser(__doc__)
    parser.add_argument("command", nargs="?", choices=("check", "record"), default="check")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    if args.command == "record":
        for tag in record_tags(root):
            print(f"recorded {tag}")
        return 0
    found = problems(root)
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
