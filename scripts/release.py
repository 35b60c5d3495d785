#!/usr/bin/env python3
"""Release one distribution: bump, build, verify, commit and tag.

    python scripts/release.py restflow-filters minor            # bump + build + verify
    python scripts/release.py filters patch --tag               # ... then commit and tag
    python scripts/release.py restflow patch --tag              # the meta-package
    python scripts/release.py core --tag     # the version bump.py already set, as it is

Steps, stopping at the first failure:

1. ``bump.py <distribution> <part>``: the version, the CHANGELOG section and
   the meta-package pin (``--no-meta`` leaves the pin for a later meta release).
   Without a part, the current version is released as it is: ``bump.py`` set it
   (its CHANGELOG dates it) and it has no tag yet; this is how a minor release of a
   distribution others require goes, after widening their caps (README, "Releasing");
2. ``pins.py check`` (skipped with ``--no-meta``: it fails by design until
   the meta-package is re-pinned);
3. ``wheels.py --only <distribution>``: build its sdist and wheel into
   ``dist/`` and inspect the wheel's contents;
4. ``twine check`` on both files (metadata and README render);
5. ``isolation.py --only <distribution>`` from the wheel and from the sdist,
   each in a fresh venv (``--no-isolation`` skips it);
6. with ``--tag``: record the release in ``packages/releases.toml`` (the tree of the
   distribution's directory as committed, so that a clone without tags still finds
   it: ``scripts/releases.py``), ``git commit`` the bump (its version file, CHANGELOG
   and pyproject, the meta-package's pins) with that record, and
   ``git tag -a <distribution>-v<version>``.

Pushing the tag makes ``.github/workflows/release.yml`` publish exactly that
distribution. Other distributions are never touched.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import _cli
from _repo import load_distributions
from bump import resolve
from floors import released_versions
from packaging.version import Version
from releases import RECORD, is_released, record_release, tree_with

SCRIPTS = Path(__file__).resolve().parent


def _step(title: str, cmd: list[str], cwd: Path) -> None:
    print(f"== {title}: {' '.join(cmd)}", flush=True)
    result = subprocess.run(cmd, cwd=cwd, check=False)
    if result.returncode != 0:
        raise SystemExit(f"release: {title} failed (exit {result.returncode})")


def _twine(files: list[Path], cwd: Path) -> list[str]:
    if shutil.which("twine"):
        return ["twine", "check", "--strict", *map(str, files)]
    probe = subprocess.run([sys.executable, "-m", "twine", "--version"], capture_output=True)
    if probe.returncode == 0:
        return [sys.executable, "-m", "twine", "check", "--strict", *map(str, files)]
    raise SystemExit("release: twine is not installed (pip install twine, or hatch run release:…)")


def main(argv: list[str] | None = None) -> int:
    parser = _cli.parser(__doc__)
    parser.add_argument("distribution", help="e.g. restflow-filters, filters, or restflow")
    parser.add_argument(
        "part",
        nargs="?",
        choices=("major", "minor", "patch"),
        help="omitted: release the current version, already bumped",
    )
    parser.add_argument("--tag", action="store_true", help="commit the bump and tag it")
    parser.add_argument("--no-meta", action="store_true", help="do not re-pin the meta-package")
    parser.add_argument("--no-isolation", action="store_true", help="skip the venv installs")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    py = sys.executable

    name = resolve(args.distribution, load_distributions(root)).name
    if args.part:
        bump = [py, str(SCRIPTS / "bump.py"), name, args.part, "--root", str(root)]
        _step("bump", bump + (["--no-meta"] if args.no_meta else []), root)
    dist = load_distributions(root)[name]
    tag = f"{name}-v{dist.version}"
    if not args.part:
        if Version(dist.version) not in released_versions(dist):
            raise SystemExit(
                f"release: {dist.changelog} does not date {dist.version}: give a part, "
                f"or bump first (python scripts/bump.py {name} <part>)"
            )
        if is_released(root, dist, dist.version):
            raise SystemExit(f"release: {tag} exists already: give a part to bump")
    if not args.no_meta:
        _step("pins", [py, str(SCRIPTS / "pins.py"), "check", "--root", str(root)], root)
    _step("build", [py, str(SCRIPTS / "wheels.py"), "--root", str(root), "--only", name], root)

    out = root / "dist"
    files = [
        out / f"{dist.wheel_stem}-{dist.version}-py3-none-any.whl",
        out / f"{dist.wheel_stem}-{dist.version}.tar.gz",
    ]
    missing = [f.name for f in files if not f.exists()]
    if missing:
        raise SystemExit(f"release: not built: {', '.join(missing)}")
    _step("twine", _twine(files, root), root)
    if not args.no_isolation:
        isolation = [py, str(SCRIPTS / "isolation.py"), "--root", str(root), "--only", name]
        _step("isolation (wheel)", isolation, root)
        _step("isolation (sdist)", [*isolation, "--sdist"], root)

    if args.tag:
        meta = load_distributions(root).get("restflow")
        touched = [dist.version_file, dist.changelog, dist.pyproject_path]
        if meta is not None and meta.name != name and not args.no_meta:
            touched += [meta.pyproject_path, meta.changelog]
        paths = [str(path.relative_to(root)) for path in touched]
        record_release(root, name, dist.version, tree_with(root, dist, paths))
        paths.append(RECORD.as_posix())
        _step("stage", ["git", "add", "--", *paths], root)
        staged = _cli.run(["git", "diff", "--cached", "--quiet", "--", *paths], cwd=root)
        if staged.returncode != 0:  # nothing to commit when the bump was committed before
            message = f"Release {name} {dist.version}"
            _step("commit", ["git", "commit", "-q", "-m", message, "--", *paths], root)
        _step("tag", ["git", "tag", "-a", tag, "-m", f"{name} {dist.version}"], root)
        print(f"tagged {tag}: push it (git push origin {tag}) to publish {name} {dist.version}")
    else:
        print(f"{name} {dist.version} built and verified; `--tag` commits and tags {tag}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
