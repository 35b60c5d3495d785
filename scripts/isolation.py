#!/usr/bin/env python3
"""Install each built wheel alone in a fresh venv and check which ``restflow.*`` import.

    python scripts/wheels.py            # first: builds dist/
    python scripts/isolation.py         # every distribution, 2 at a time
    python scripts/isolation.py --only restflow-filters --python python3.12
    python scripts/isolation.py --sdist      # install from the sdists instead

For each wheel in ``dist/`` (the current version of every distribution):

1. create a fresh venv (``uv venv``; ``python -m venv`` with ``--installer pip``);
2. install the wheel plus the sibling wheels it requires (read from the
   wheel's own ``Requires-Dist``) **at their floors**: each sibling at the highest
   ``>=`` version its requirers declare, the current wheel from ``dist/`` when the
   floor is the sibling's current version, else the release built from its source as
   released (its git tag, or ``packages/releases.toml``) into ``dist/floors/``; given as files, so no
   ``restflow-*`` ever comes from a registry; third-party requirements come
   from the registry as usual;
3. in that venv (``python -E -s -B``, from an empty directory) configure a minimal
   Django (``scripts/isolation_usage/_django.py``), import every subpackage the
   installed wheels ship (its own and those of its restflow requirements), assert every other known
   ``restflow.<sub>`` is absent (``find_spec`` is None), that ``restflow``
   is a namespace (``restflow.__file__ is None``), and that the installed
   restflow distributions and versions are exactly the expected ones;
4. if ``scripts/isolation_usage/<distribution>.py`` exists, run it in that
   venv: it uses the package for real (restflow-filters filters a DRF
   ``ListAPIView``) and prints ``ok``.

Prints a table; exits non-zero when any distribution fails.
"""

from __future__ import annotations

import email.parser
import json
import os
import shutil
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import _cli
from _repo import (
    NAMESPACE,
    Distribution,
    Requirement,
    add_selection,
    admits,
    is_restflow,
    select,
)
from floors import bounds, released_versions
from packaging.version import Version
from wheels import build_release, wheel_name

# Run in each fresh venv with IN_VENV (no environment variables, no user site, no
# bytecode written, but their own directory on sys.path, for the Django project they
# share, _django.py): CHECKER checks what imports (argv[1]: a JSON job; it prints a JSON
# result), and <distribution>.py, where there is one, uses the package for real
# (prints "ok").
USAGE_DIR = Path(__file__).resolve().parent / "isolation_usage"
CHECKER = USAGE_DIR / "_imports.py"
IN_VENV = ("-E", "-s", "-B")


@dataclass
class Result:
    """The outcome for one distribution."""

    distribution: str
    expect: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    installed: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def wheel_requirements(wheel: Path) -> list[Requirement]:
    """Unconditional ``Requires-Dist`` entries of a wheel."""
    with zipfile.ZipFile(wheel) as archive:
        meta_name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = email.parser.Parser().parsestr(archive.read(meta_name).decode())
    return [Requirement(r) for r in metadata.get_all("Requires-Dist") or []]


def wheel_subpackages(wheel: Path) -> list[str]:
    """The ``restflow.<sub>`` packages a wheel ships."""
    with zipfile.ZipFile(wheel) as archive:
        parts = [name.split("/") for name in archive.namelist()]
    return sorted({p[1] for p in parts if len(p) > 2 and p[0] == NAMESPACE})


def release_wheel(
    name: str, version: str, dists: dict[str, Distribution], dist_dir: Path, root: Path | None
) -> tuple[Path | None, str | None]:
    """The wheel of ``name`` at ``version``: the current one from ``dist_dir``, an older
    release from ``dist_dir/floors`` (built from its release when ``root`` is given)."""
    dist = dists[name]
    if version == dist.version:
        path = dist_dir / wheel_name(dist, version)
        hint = "run: python scripts/wheels.py"
    else:
        path = dist_dir / "floors" / wheel_name(dist, version)
        hint = "run: python scripts/isolation.py, which builds it from its release"
        if not path.exists() and root is not None:
            failure = build_release(root, dist, version, path.parent)
            if failure:
                return None, f"cannot build {name} {version}: {failure}"
    if not path.exists():
        return None, f"{path.name} is not in {path.parent} ({hint})"
    return path, None


def restflow_closure(
    name: str, dists: dict[str, Distribution], dist_dir: Path, root: Path | None = None
) -> tuple[dict[str, Path], dict[str, str], list[str]]:
    """Wheels and versions of ``name`` (its current version) and of every restflow
    distribution it needs, transitively, each at the highest floor (``>=``) its requirers
    declare: a package is installed with the oldest siblings it claims to work with."""
    wheels: dict[str, Path] = {}
    versions: dict[str, str] = {name: dists[name].version} if name in dists else {}
    problems: list[str] = [] if name in dists else [f"{name} is not a distribution in packages/"]
    stack = list(versions)
    while stack:
        current = stack.pop()
        path, problem = release_wheel(current, versions[current], dists, dist_dir, root)
        if path is None:
            problems.append(str(problem))
            continue
        wheels[current] = path
        for req in wheel_requirements(path):
            if req.marker or not is_restflow(req.name):
                continue
            if req.name not in dists:
                problems.append(f"{current} requires {req.name}, which is not in packages/")
                continue
            if not admits(req, dists[req.name].version):
                problems.append(
                    f"{current} requires {req}, which excludes the current "
                    f"{req.name} {dists[req.name].version}"
                )
            floor = bounds(req)[0]
            spelled = released_versions(dists[req.name]).get(floor) if floor else None
            if floor is None or spelled is None:
                problems.append(f"{current} requires {req}: its floor is not a release")
                continue
            if req.name not in versions or Version(versions[req.name]) < floor:
                versions[req.name] = spelled
                stack.append(req.name)
    return wheels, versions, problems


def check_one(
    name: str,
    dists: dict[str, Distribution],
    dist_dir: Path,
    python: str,
    installer: str,
    keep: bool,
    sdist: bool = False,
) -> Result:
    """Build a venv for ``name``, install its wheels, and run the import checker in it."""
    started = time.monotonic()
    result = Result(distribution=name)
    wheels, expected_dists, problems = restflow_closure(name, dists, dist_dir)
    shipped = {sub for wheel in wheels.values() for sub in wheel_subpackages(wheel)}
    if sdist:  # same closure (read from the wheels' metadata), installed from the sdists
        wheels = {
            dist: path.with_name(f"{dists[dist].wheel_stem}-{expected_dists[dist]}.tar.gz")
            for dist, path in wheels.items()
        }
        problems += [
            f"{path.name} is not in {path.parent}" for path in wheels.values() if not path.exists()
        ]
    result.problems += problems
    if problems:
        return result
    all_subs = sorted({sub for d in dists.values() for sub in d.subpackages} | shipped)
    result.expect = sorted(shipped)
    result.absent = [s for s in all_subs if s not in result.expect]

    workdir = Path(tempfile.mkdtemp(prefix=f"isolation-{name}-"))
    venv = workdir / "venv"
    vpython = venv / "bin" / "python"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "DJANGO_SETTINGS_MODULE", "VIRTUAL_ENV", "PYTHONHOME")
    }
    try:
        if installer == "uv":
            steps = [
                ["uv", "venv", "--quiet", "--python", python, str(venv)],
                [
                    "uv",
                    "pip",
                    "install",
                    "--quiet",
                    "--python",
                    str(vpython),
                    "--find-links",
                    str(dist_dir),
                    *map(str, wheels.values()),
                ],
            ]
        else:
            steps = [
                [python, "-m", "venv", str(venv)],
                [
                    str(vpython),
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    "--find-links",
                    str(dist_dir),
                    *map(str, wheels.values()),
                ],
            ]
        for cmd in steps:
            proc = _cli.run(cmd, env=env, cwd=workdir)
            if proc.returncode != 0:
                result.problems.append(
                    f"`{' '.join(cmd)}` failed:\n{(proc.stdout + proc.stderr).strip()}"
                )
                return result
        job = {"expect": result.expect, "absent": result.absent, "dists": expected_dists}
        empty = workdir / "cwd"
        empty.mkdir()
        proc = _cli.run([str(vpython), *IN_VENV, str(CHECKER), json.dumps(job)], env=env, cwd=empty)
        if proc.returncode != 0:
            result.problems.append(f"checker crashed:\n{proc.stdout}{proc.stderr}")
            return result
        out = json.loads(proc.stdout.strip().splitlines()[-1])
        result.installed = out.get("installed", {})
        result.problems += out["errors"]
        if sorted(out["imported"]) != result.expect:
            result.problems.append(f"imported {sorted(out['imported'])}, expected {result.expect}")
        usage = USAGE_DIR / f"{name}.py"
        if usage.exists() and not result.problems:
            proc = _cli.run([str(vpython), *IN_VENV, str(usage)], env=env, cwd=empty)
            if proc.returncode != 0 or proc.stdout.strip().splitlines()[-1:] != ["ok"]:
                result.problems.append(f"{usage.name} failed:\n{proc.stdout}{proc.stderr}")
        for path in out.get("namespace_path", []):
            if not str(path).startswith(str(venv)):
                result.problems.append(f"restflow.__path__ entry outside the venv: {path}")
        return result
    finally:
        result.seconds = time.monotonic() - started
        if keep:
            print(f"kept {venv}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def resolve_python(spec: str) -> str:
    """An interpreter path from a path, a command name, or a bare version like ``3.12`` (pyenv)."""
    if os.sep in spec:
        return spec
    if spec[:1].isdigit():
        pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
        major_minor = ".".join(spec.split(".")[:2])
        for candidate in sorted(
            pyenv_root.glob(f"versions/{spec}*/bin/python{major_minor}"), reverse=True
        ):
            return str(candidate)
        return shutil.which(f"python{spec}") or spec
    found = shutil.which(spec) or spec
    if (
        _cli.run([found, "-c", ""]).returncode != 0
        and spec.startswith("python")
        and spec[6:7].isdigit()
    ):
        return resolve_python(spec[6:])  # a pyenv shim for a version that is not enabled
    return found


def print_table(results: list[Result], python_label: str) -> None:
    rows = [
        (
            "distribution",
            "imports (restflow.*)",
            "absent",
            "installed restflow dists",
            "time",
            "result",
        )
    ]
    for r in results:
        rows.append(
            (
                r.distribution,
                ", ".join(r.expect) or "-",
                str(len(r.absent)),
                ", ".join(
                    f"{k.removeprefix('restflow-')}=={v}" for k, v in sorted(r.installed.items())
                )
                or "-",
                f"{r.seconds:.1f}s",
                "ok" if r.ok else "FAIL",
            )
        )
    print(f"isolation check ({python_label})")
    _cli.print_columns(rows)


def main(argv: list[str] | None = None) -> int:
    parser = _cli.parser(__doc__)
    add_selection(parser, "directory with the built wheels", "distributions to check")
    parser.add_argument(
        "--python",
        default=sys.executable,
        help="interpreter for the venvs: path, command or version like 3.12 (default: this one)",
    )
    parser.add_argument(
        "--jobs", type=int, default=2, help="venvs built at once (default: %(default)s)"
    )
    parser.add_argument(
        "--installer",
        choices=("uv", "pip"),
        default="uv" if shutil.which("uv") else "pip",
        help="how to create venvs and install (default: uv when available)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the venvs (their paths are printed)"
    )
    parser.add_argument(
        "--sdist",
        action="store_true",
        help="install from the sdists (built from source in the venv) instead of the wheels",
    )
    args = parser.parse_args(argv)

    root, dist_dir, dists, chosen = select(parser, args)
    python = resolve_python(args.python)
    version = _cli.run([python, "-c", "import sys; print(sys.version.split()[0])"])
    if version.returncode != 0:
        parser.error(f"cannot run interpreter {args.python!r}")
    label = f"Python {version.stdout.strip()}, {args.installer}"
    label += ", from sdists" if args.sdist else ", from wheels"

    for name in chosen:  # build the sibling floors older than the sources, one at a time
        restflow_closure(name, dists, dist_dir, root)
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [
            pool.submit(
                check_one, n, dists, dist_dir, python, args.installer, args.keep, args.sdist
            )
            for n in chosen
        ]
        results = []
        for future in futures:
            r = future.result()
            print(
                f"{r.distribution}: {'ok' if r.ok else 'FAIL'} ({r.seconds:.1f}s)",
                file=sys.stderr,
                flush=True,
            )
            results.append(r)

    print_table(results, label)
    failed = [r for r in results if not r.ok]
    for r in failed:
        for problem in r.problems:
            print(f"\nFAIL {r.distribution}: {problem}")
    if failed:
        print(f"\nisolation check failed for {len(failed)} of {len(results)} distribution(s)")
        return 1
    print(
        f"\nisolation check passed: {len(results)} distribution(s), each imports exactly its own "
        f"and its requirements' restflow subpackages"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
