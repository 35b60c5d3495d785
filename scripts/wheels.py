#!/usr/bin/env python3
"""Build every distribution's wheel and sdist into ``dist/`` and inspect the wheels.

    python scripts/wheels.py                 # build all, then check
    python scripts/wheels.py --no-build      # check what is already in dist/
    python scripts/wheels.py --only restflow-core restflow-filters

A wheel fails the check when it

* ships ``restflow/__init__.py`` (``restflow`` is a PEP 420 namespace),
* ships any file outside the subpackages its pyproject lists in
  ``[tool.hatch.build.targets.wheel] only-include`` (the meta-package: any
  file outside its ``.dist-info`` at all),
* lacks one of those subpackages, its ``__init__.py`` or its ``py.typed``,
* ships compiled files (``__pycache__``, ``*.pyc``),
* has a name/version other than the one in the package's ``__about__.py``.

The repository layout is checked too: two distributions may not claim the
same subpackage, and every directory under ``src/restflow/`` must be listed
in ``only-include`` (or it would silently not ship).

Builds use ``hatch build`` (falls back to ``uv build``).
"""

from __future__ import annotations

import email.parser
import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import _cli
from _repo import NAMESPACE, Distribution, add_selection, load_distributions, select
from packaging.utils import canonicalize_name
from releases import RECORD, release_tree, tag_name


@dataclass
class WheelReport:
    """What the inspector found in one wheel."""

    distribution: str
    path: Path | None
    files: int = 0
    subpackages: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def wheel_name(dist: Distribution, version: str) -> str:
    """The pure-Python wheel file name hatchling produces."""
    return f"{dist.wheel_stem}-{version}-py3-none-any.whl"


def inspect_wheel(
    path: Path,
    distribution: str,
    subpackages: list[str],
    *,
    version: str | None = None,
    meta: bool = False,
) -> WheelReport:
    """Check one wheel file against the subpackages it may ship; return the findings.

    ``subpackages`` are the ``restflow.<sub>`` names the distribution owns
    (empty for the meta-package, which must ship no ``restflow/`` file).
    """
    report = WheelReport(distribution=distribution, path=path)
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        report.problems.append(f"cannot open wheel: {exc}")
        return report
    with archive:
        names = [n for n in archive.namelist() if not n.endswith("/")]
        report.files = len(names)
        dist_infos = {
            n.split("/", 1)[0] for n in names if n.split("/", 1)[0].endswith(".dist-info")
        }
        expected_prefix = canonicalize_name(distribution).replace("-", "_")
        if len(dist_infos) != 1:
            report.problems.append(
                f"expected exactly one .dist-info directory, found {sorted(dist_infos) or 'none'}"
            )
        dist_info = next(iter(dist_infos)) if len(dist_infos) == 1 else None
        if dist_info:
            if not dist_info.lower().startswith(expected_prefix.lower() + "-"):
                report.problems.append(f"{dist_info} does not belong to {distribution}")
            try:
                metadata = email.parser.Parser().parsestr(
                    archive.read(f"{dist_info}/METADATA").decode()
                )
            except KeyError:
                report.problems.append(f"{dist_info}/METADATA is missing")
            else:
                if canonicalize_name(metadata.get("Name", "")) != canonicalize_name(distribution):
                    report.problems.append(
                        f"METADATA Name is {metadata.get('Name')!r}, expected {distribution!r}"
                    )
                if version is not None and metadata.get("Version") != version:
                    report.problems.append(
                        f"METADATA Version is {metadata.get('Version')!r}, "
                        f"expected {version!r} (from __about__.py)"
                    )

        allowed = tuple(f"{NAMESPACE}/{sub}/" for sub in subpackages)
        for name in sorted(names):
            top = name.split("/", 1)[0]
            if top in dist_infos:
                continue
            if name == f"{NAMESPACE}/__init__.py":
                report.problems.append(
                    f"ships {name}: restflow must stay a namespace package (PEP 420)"
                )
            elif meta:
                report.problems.append(f"meta-package ships a file: {name}")
            elif not name.startswith(allowed):
                report.problems.append(f"stray file outside its own subpackages: {name}")
            elif "/__pycache__/" in name or name.endswith((".pyc", ".pyo")):
                report.problems.append(f"ships compiled file: {name}")

        present = set(names)
        for sub in subpackages:
            base = f"{NAMESPACE}/{sub}/"
            if not any(n.startswith(base) for n in names):
                report.problems.append(f"subpackage {NAMESPACE}.{sub} is missing")
                continue
            report.subpackages.append(sub)
            for required in ("__init__.py", "py.typed"):
                if base + required not in present:
                    report.problems.append(f"{base}{required} is missing")
    return report


def check_layout(dists: dict[str, Distribution]) -> list[str]:
    """Source-tree problems: a subpackage claimed twice, or a directory no wheel ships."""
    problems: list[str] = []
    owner: dict[str, str] = {}
    for dist in dists.values():
        for sub in dist.subpackages:
            if sub in owner:
                problems.append(
                    f"{NAMESPACE}.{sub} is claimed by both {owner[sub]} and {dist.name}"
                )
            owner[sub] = dist.name
        if dist.is_meta:
            targets = (
                dist.pyproject.get("tool", {}).get("hatch", {}).get("build", {}).get("targets", {})
            )
            if not targets.get("wheel", {}).get("bypass-selection") or dist.subpackages:
                problems.append(
                    f"{dist.name}: the meta-package wheel must use bypass-selection"
                    " and no only-include"
                )
            continue
        if not dist.subpackages:
            problems.append(
                f"{dist.name}: [tool.hatch.build.targets.wheel] only-include lists no subpackage"
            )
        src = dist.directory / "src" / NAMESPACE
        if (src / "__init__.py").exists():
            problems.append(f"{src / '__init__.py'} exists: restflow must stay a namespace package")
        if src.is_dir():
            for child in sorted(src.iterdir()):
                if (
                    child.is_dir()
                    and child.name != "__pycache__"
                    and child.name not in dist.subpackages
                ):
                    problems.append(
                        f"{dist.name}: {child} is not in only-include, so it would not ship"
                    )
    return problems


def build(dist: Distribution, out: Path, sdist: bool) -> None:
    """Build ``dist``'s wheel (and sdist) into ``out``."""
    targets = ["-t", "wheel"] + (["-t", "sdist"] if sdist else [])
    if shutil.which("hatch"):
        cmd = ["hatch", "build", *targets, str(out)]
    elif shutil.which("uv"):
        cmd = ["uv", "build", "--wheel", *(["--sdist"] if sdist else []), "--out-dir", str(out)]
    else:
        raise SystemExit("error: neither hatch nor uv is installed (pip install hatch)")
    # inside `hatch run`, HATCH_ENV_ACTIVE names an environment this project may not have
    env = {k: v for k, v in os.environ.items() if not k.startswith("HATCH_ENV")}
    result = _cli.run(cmd, cwd=dist.directory, env=env)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(
            f"error: building {dist.name} failed: {' '.join(cmd)} (in {dist.directory})"
        )


def build_release(root: Path, dist: Distribution, version: str, out: Path) -> str | None:
    """Build the wheel and sdist of ``dist`` as released (its tag's tree, or the one
    ``packages/releases.toml`` records: ``scripts/releases.py``), into ``out``.

    Returns None when built, else what went wrong.
    """
    tree = release_tree(root, dist, version)
    if tree is None:
        tag = tag_name(dist.name, version)
        return f"no release of {dist.name} {version} here: neither the tag {tag} nor {RECORD}"
    relative = dist.directory.relative_to(root).as_posix()
    archive = subprocess.run(
        ["git", "-C", str(root), "archive", "--format=tar", f"--prefix={relative}/", tree],
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        return f"cannot read {dist.name} {version}'s tree {tree}: {archive.stderr.decode().strip()}"
    with tempfile.TemporaryDirectory(prefix=f"release-{dist.name}-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(tmp, filter="data")
        released = load_distributions(Path(tmp)).get(dist.name)
        if released is None or released.version != version:
            return f"{dist.name} {version}'s release tree {tree} does not hold that version"
        out.mkdir(parents=True, exist_ok=True)
        try:
            build(released, out, sdist=True)
        except SystemExit as exc:
            return str(exc)
    return None


def clean(dist: Distribution, out: Path) -> None:
    """Remove earlier wheels/sdists of ``dist`` from ``out`` (any version)."""
    for old in list(out.glob(f"{dist.wheel_stem}-*.whl")) + list(
        out.glob(f"{dist.wheel_stem}-*.tar.gz")
    ):
        old.unlink()


def print_table(reports: list[WheelReport]) -> None:
    rows = [("distribution", "wheel", "files", "subpackages", "result")]
    for r in reports:
        rows.append(
            (
                r.distribution,
                r.path.name if r.path else "(missing)",
                str(r.files),
                ", ".join(r.subpackages) or "-",
                "ok" if r.ok else f"FAIL ({len(r.problems)})",
            )
        )
    _cli.print_columns(rows)


def main(argv: list[str] | None = None) -> int:
    parser = _cli.parser(__doc__)
    add_selection(parser, "output directory", "distributions to build/check")
    parser.add_argument(
        "--no-build", action="store_true", help="only inspect the wheels already in dist/"
    )
    parser.add_argument("--no-sdist", action="store_true", help="build wheels only")
    args = parser.parse_args(argv)
    _, out, dists, chosen = select(parser, args)

    layout_problems = check_layout(dists)
    if not args.no_build:
        out.mkdir(parents=True, exist_ok=True)
        for name in chosen:
            print(f"building {name} ...", file=sys.stderr, flush=True)
            clean(dists[name], out)
            build(dists[name], out, sdist=not args.no_sdist)

    reports: list[WheelReport] = []
    for name in chosen:
        dist = dists[name]
        version = dist.version
        path = out / wheel_name(dist, version)
        if not path.exists():
            report = WheelReport(distribution=name, path=None)
            report.problems.append(f"{path} not found (build it: python scripts/wheels.py)")
        else:
            report = inspect_wheel(path, name, dist.subpackages, version=version, meta=dist.is_meta)
        reports.append(report)

    print_table(reports)
    failed = [r for r in reports if not r.ok]
    for problem in layout_problems:
        print(f"layout: {problem}")
    for r in failed:
        for problem in r.problems:
            print(f"FAIL {r.distribution}: {problem}")
    if failed or layout_problems:
        print(
            f"\nwheel check failed: {len(failed)} wheel(s),"
            f" {len(layout_problems)} layout problem(s)"
        )
        return 1
    print(f"\nwheel check passed: {len(reports)} wheel(s) in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
