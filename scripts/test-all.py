#!/usr/bin/env python3
"""Run every check CI runs, then print one table of what ran, with durations.

    python scripts/test-all.py              # everything (the README's test command)
    python scripts/test-all.py --list       # the plan, without running it
    python scripts/test-all.py --only core it-core   # steps whose name contains a word
    python scripts/test-all.py --kind check tests    # steps of these kinds
    python scripts/test-all.py --github-matrix       # the whole matrix, for ci.yml
    python scripts/test-all.py --jobs 1     # one step at a time (default: 2 on 2+ CPUs)

The test matrix has one source, hatch.toml: its matrix environments and their
variants are read from there; this script only chooses the slice CI runs, and the
GitHub workflow (.github/workflows/ci.yml) runs the whole matrix from
``--github-matrix`` (scripts/tests/test_matrix.py checks the three agree).

Steps, in order:

1. start Redis and PostgreSQL (``scripts/services.py``) and export their
   URLs to every later step;
2. ``lint`` and ``types`` (hatch environments), the wheel check
   (``scripts/wheels.py``), the isolation check (``scripts/isolation.py``,
   from the wheels and from the sdists), the documentation site build
   (``mkdocs build --strict``), the pin check (``scripts/pins.py check``),
   the scripts' own tests, and the example project's smoke test;
3. each per-package hatch environment and each ``tests-integration/``
   combination on its oldest (Python 3.11 + Django 5.2) and its newest
   (Python 3.13 + Django 6.x) pair, and the variants ``EXTRA`` names;
4. the newest releases (``newest``): Python 3.13 with the newest Django, DRF,
   asgiref, redis-py and django-redis, pre-releases included, under the suites
   of the packages with fast paths, once as is and once with
   ``RESTFLOW_FAST_PATHS=0`` (every fast path forced off).

Steps run two at a time by default (``--jobs N``; one on a single-CPU machine): the
checks first, in the order above, then the suites longest first (``TYPICAL_SECONDS``),
so that the long ones do not end the run alone. A step's output is printed whole when
it ends, never interleaved with another's. Each of the ``N`` slots has its own Redis
database (``REDIS_URL`` ending in ``/<slot>``) and PostgreSQL database (``restflow``,
``restflow_1``, ...); steps sharing a hatch environment (``newest`` and
``newest-fast-paths-off``), and the wheel build with the checks reading ``dist/``,
never overlap.

A step's hatch environment is built anew when it was built from other package sources
(a version or a ``pyproject.toml`` changed since: hatch itself would keep the old
metadata of a workspace member installed; ``_steps.renew_stale_env``).

Every step runs even when an earlier one failed; the services are stopped at
the end whatever happens (unless they were already running before: then
they belong to someone else and stay up). Exits 1 when any step failed. With
``CI=true``, a service that cannot start is a failure (the tests that need it
would skip).

Needs Python 3.11+ and hatch (``pip install hatch``, which brings ``packaging``
for the wheel, isolation and pin checks). Interpreters are never downloaded:
the pyenv versions of hatch.toml's Pythons are made visible through
``PYENV_VERSION`` when pyenv is there, else ``python3.1x`` must be on PATH.
This script itself is stdlib only.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable
from typing import Any

import _cli
import services
from _steps import Step, banner, longest_first, run_steps, shown

REPO = _cli.REPO_ROOT
HATCH = tomllib.loads((REPO / "hatch.toml").read_text(encoding="utf-8"))


def hatch_matrix(config: dict[str, Any] = HATCH) -> dict[str, list[str]]:
    """hatch.toml's matrix environments: {environment: its variants, in hatch's order}.

    Variants are named as hatch names them: ``py<python>`` and, for the other
    variables, the ``matrix-name-format`` (``django6``, ``drf3.16``), joined by ``-``.
    """
    envs = config["envs"]
    found: dict[str, list[str]] = {}
    for env, table in envs.items():
        form = table.get("matrix-name-format", envs["default"].get("matrix-name-format", "{value}"))
        for axes in table.get("matrix", []):
            names = [
                [
                    f"py{v}" if var in ("py", "python") else form.format(variable=var, value=v)
                    for v in values
                ]
                for var, values in axes.items()
            ]
            found.setdefault(env, []).extend("-".join(combo) for combo in itertools.product(*names))
    return found


# The test matrix is hatch.toml's; what follows is only which slice of it CI runs
# (scripts/tests/test_matrix.py checks that every name here is in hatch.toml, and that
# .github/workflows/ci.yml runs the whole matrix through `--github-matrix`).
MATRIX = hatch_matrix()
PYTHONS = sorted(
    {
        variant.split("-")[0].removeprefix("py")
        for variants in MATRIX.values()
        for variant in variants
    },
    key=lambda version: [int(part) for part in version.split(".")],
)
# Every other matrix environment (the per-package ones, and it-* for the combinations of
# tests-integration/) runs on its oldest and its newest pair; these run only where EXTRA says.
SLICED = ("spectacular-full", "compat")
EXTRA = (
    # also on Python 3.12 + Django 6.x
    "core.py3.12-django6",
    "it-full.py3.12-django6",
    # restflow-spectacular with the packages it describes
    "spectacular-full.py3.11-django5.2",
    "spectacular-full.py3.13-django6",
    # DRF's oldest supported releases (the other environments get the newest DRF)
    "compat.py3.11-django5.2-drf3.16",
    "compat.py3.12-django5.2-drf3.17",
)
NEWEST_ENV = "newest"  # not a matrix: the newest releases, fast paths on and forced off
SERVICES_TIMEOUT = 30.0
# What a step usually takes on a loaded 2-CPU CI machine (seconds, by step or by hatch
# environment without its variant), for scheduling the suites longest first; anything
# not named here is short. Measured in full runs; only the order depends on it.
TYPICAL_SECONDS = {
    "it-hostile": 270,
    NEWEST_ENV: 240,
    f"{NEWEST_ENV}-fast-paths-off": 235,
    "it-example": 125,
    "views": 120,
    "it-full": 105,
    "cache": 85,
    "compat": 45,
    "jwt": 43,
    "filters": 37,
    "core": 30,
    "spectacular-full": 25,
}
SHORT_STEP_SECONDS = 12
DIST_LANE = "dist"  # the wheel build, then the checks that install what it wrote to dist/


def ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


# --------------------------------------------------------------------------- interpreters


def expose_pyenv_versions() -> str:
    """Set PYENV_VERSION to the newest installed 3.11, 3.12 and 3.13 (3.11 first); describe it."""
    pyenv = shutil.which("pyenv")
    if not pyenv:
        return "pyenv not found: using python3.11/3.12/3.13 from PATH"
    out = subprocess.run([pyenv, "versions", "--bare"], capture_output=True, text=True, check=False)
    installed = out.stdout.split()
    chosen = []
    for minor in PYTHONS:
        candidates = [v for v in installed if re.fullmatch(rf"{re.escape(minor)}\.\d+", v)]
        if candidates:
            chosen.append(max(candidates, key=lambda v: int(v.rsplit(".", 1)[1])))
    if chosen:
        os.environ["PYENV_VERSION"] = ":".join(chosen)
    return f"PYENV_VERSION={os.environ.get('PYENV_VERSION', '')}"


def missing_pythons() -> list[str]:
    missing = []
    for minor in PYTHONS:
        exe = shutil.which(f"python{minor}")
        probe = exe and subprocess.run([exe, "-c", ""], capture_output=True, check=False)
        if not probe or probe.returncode != 0:
            missing.append(minor)
    return missing


# --------------------------------------------------------------------------- services


def start_services(slots: int) -> tuple[Step, bool]:
    """Start Redis and PostgreSQL with ``slots`` slots; return the step and whether they
    were running already."""
    step = Step("services", "setup", [sys.executable, "scripts/services.py", "start"])
    banner("services: start Redis and PostgreSQL")
    state = services.State(REPO)
    already = set(services.running(state)) == set(services.SERVICES)
    if already:
        print("already running (started by someone else): they stay up afterwards", flush=True)
    started = time.monotonic()
    with contextlib.redirect_stdout(io.StringIO()):  # its export lines: os.environ below
        code = services.cmd_start(state, None, SERVICES_TIMEOUT)
    try:
        services.prepare_slots(state.load(), slots)
    except services.ServiceError as exc:
        print(f"slots: {exc}", flush=True)
        code = code or 1
    step.seconds = time.monotonic() - started
    exported = services.env_vars(state.load())
    os.environ.update(exported)
    step.note = ", ".join(exported)
    print(f"exported: {step.note or 'nothing'}", flush=True)
    if code == 0:
        step.result = "ok"
    else:
        step.result = "FAIL" if ci() else "skipped"
        step.note = f"services.py start exited {code}; tests needing Redis/PostgreSQL skip"
        print(step.note, flush=True)
    return step, already


def stop_services() -> None:
    banner("services: stop")
    services.cmd_stop(services.State(REPO), None, SERVICES_TIMEOUT)


# --------------------------------------------------------------------------- steps


def plan() -> list[Step]:
    """What CI runs (the README's test command): the checks, then a slice of the matrix
    (longest first)."""
    return checks() + longest_first(suites(full=False), typical_seconds)


def typical_seconds(step: Step) -> float:
    """What ``step`` usually takes (``TYPICAL_SECONDS``)."""
    found = TYPICAL_SECONDS.get(step.name, TYPICAL_SECONDS.get(step.name.split(".")[0]))
    return SHORT_STEP_SECONDS if found is None else found


def checks() -> list[Step]:
    py = sys.executable
    steps = [
        Step("lint", "check", ["hatch", "run", "lint:check"]),
        Step("types", "check", ["hatch", "run", "types:check"]),
        Step("wheels", "check", [py, "scripts/wheels.py"], lane=DIST_LANE),
        Step("isolation", "check", [py, "scripts/isolation.py"], lane=DIST_LANE),
        Step("isolation-sdist", "check", [py, "scripts/isolation.py", "--sdist"], lane=DIST_LANE),
        Step("docs", "check", ["hatch", "run", "docs:build"]),
        Step("pins", "check", [py, "scripts/pins.py", "check"]),
        Step("scripts", "tests", ["hatch", "run", "scripts:test"]),
    ]
    smoke = ["hatch", "run", "example:python", "scripts/example_smoke.py"]
    return [*steps, Step("example", "smoke", smoke)]


def suites(full: bool) -> list[Step]:
    """The test suites: every variant of every matrix environment (``full``), or CI's slice."""
    if full:
        envs = [f"{env}.{variant}" for env, variants in MATRIX.items() for variant in variants]
    else:
        kept = {env: variants for env, variants in MATRIX.items() if env not in SLICED}
        packages = [env for env in kept if not env.startswith("it-")]
        combinations = [env for env in kept if env.startswith("it-")]
        groups = (packages, combinations)
        envs = [f"{env}.{kept[env][end]}" for group in groups for end in (0, -1) for env in group]
        envs += EXTRA
    steps = [
        Step(env, "combination" if env.startswith("it-") else "package", hatch_test(env))
        for env in envs
    ]
    steps.append(Step(NEWEST_ENV, "package", hatch_test(NEWEST_ENV)))
    off = {"RESTFLOW_FAST_PATHS": "0"}
    # the same hatch environment, so the same lane: never at the same time
    steps.append(Step(f"{NEWEST_ENV}-fast-paths-off", "package", hatch_test(NEWEST_ENV), off))
    return steps


def hatch_test(env: str) -> list[str]:
    return ["hatch", "run", f"{env}:test"]


def github_matrix() -> str:
    """The ``suites`` output of the workflow's plan job: every suite, as a job matrix."""
    jobs = []
    for step in suites(full=True):
        env = step.command[2].removesuffix(":test")
        python = re.search(r"\.py(\d+\.\d+)", env)
        jobs.append(
            {
                "name": step.name,
                "python": python[1] if python else HATCH["envs"][env]["python"],
                "command": shown(step),
                "chromium": env.startswith("it-example."),
            }
        )
    return "suites=" + json.dumps({"include": jobs}, separators=(",", ":"))


# --------------------------------------------------------------------------- report


def tests_cell(step: Step) -> str:
    if not step.counts:
        return "-"
    c = step.counts
    parts = [f"{c.get('passed', 0)} passed"]
    if c.get("failed") or c.get("errors"):
        parts.append(f"{c.get('failed', 0) + c.get('errors', 0)} failed")
    if c.get("skipped"):
        parts.append(f"{c['skipped']} skipped")
    return ", ".join(parts)


def print_summary(steps: list[Step], total_seconds: float, environment: str, jobs: int) -> None:
    banner("summary")
    print(environment)
    rows = [("step", "kind", "result", "tests", "time")]
    rows += [(s.name, s.kind, s.result, tests_cell(s), f"{s.seconds:6.1f}s") for s in steps]
    _cli.print_columns(rows)
    for s in steps:
        if s.note and (s.failed or s.result == "skipped"):
            print(f"note: {s.name}: {s.note}")
    failed = [s.name for s in steps if s.failed]
    print(
        f"\n{len(steps)} steps in {clock(total_seconds)} wall time "
        f"({clock(sum(s.seconds for s in steps))} of step time, {jobs} at a time); "
        + (f"FAILED: {', '.join(failed)}" if failed else "all passed")
    )
    passed = sum(s.counts.get("passed", 0) for s in steps)
    broken = sum(s.counts.get("failed", 0) + s.counts.get("errors", 0) for s in steps)
    skipped = sum(s.counts.get("skipped", 0) for s in steps)
    print(f"total: {passed} passed, {broken} failed, {skipped} skipped", flush=True)


def clock(seconds: float) -> str:
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}m{rest:02d}s"


def default_jobs() -> int:
    """Two steps at a time when the machine has two CPUs or more (most steps use one CPU
    and wait on servers part of the time), else one."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return 2 if (cpus or 1) >= 2 else 1


def main(argv: list[str] | None = None) -> int:
    parser = _cli.parser(__doc__, root="")
    parser.add_argument("--list", action="store_true", help="print the steps and exit")
    parser.add_argument(
        "--only", nargs="+", metavar="WORD", help="run steps whose name contains a word"
    )
    parser.add_argument(
        "--kind", nargs="+", metavar="KIND", help="run steps of these kinds (check, tests, ...)"
    )
    parser.add_argument("--no-services", action="store_true", help="do not start Redis/PostgreSQL")
    parser.add_argument(
        "--jobs",
        type=int,
        default=default_jobs(),
        metavar="N",
        help=f"steps run at the same time, 1..{services.MAX_SLOTS} (default: %(default)s)",
    )
    parser.add_argument(
        "--github-matrix",
        action="store_true",
        help="print the whole matrix as the GitHub workflow's job matrix and exit",
    )
    args = parser.parse_args(argv)

    if sys.version_info < (3, 11):  # noqa: UP036  (a guard for the wrong interpreter)
        parser.error("needs Python 3.11+ (the repository scripts use tomllib)")
    if not 1 <= args.jobs <= services.MAX_SLOTS:
        parser.error(f"--jobs must be between 1 and {services.MAX_SLOTS}")
    if args.github_matrix:
        print(github_matrix())
        return 0
    steps = plan()
    if args.only:
        steps = [s for s in steps if any(word in s.name for word in args.only)]
    if args.kind:
        steps = [s for s in steps if s.kind in args.kind]
    if args.list:
        for s in steps:
            print(f"{s.name:<36} {s.kind:<12} {shown(s)}")
        return 0
    if not shutil.which("hatch"):
        parser.error("hatch is not installed: pip install hatch")
    if importlib.util.find_spec("packaging") is None:
        parser.error(f"{sys.executable} lacks packaging: pip install hatch (it brings it)")

    environment = expose_pyenv_versions()
    missing = missing_pythons()
    if missing:
        environment += (
            f"; MISSING interpreters: {', '.join(missing)} (their environments will fail)"
        )
    environment += f"; CI={os.environ.get('CI', '')}; --jobs {args.jobs}"
    banner("test-all")
    print(environment, flush=True)

    # Turn SIGTERM into an exception so the services are stopped on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.monotonic()
    setup: list[Step] = []
    keep_services = args.no_services
    try:
        if not args.no_services:
            step, keep_services = start_services(args.jobs)
            setup.append(step)
        run_steps(steps, args.jobs, REPO, slot_settings(args.no_services), lambda step: None)
    finally:
        if not keep_services:
            stop_services()
        print_summary(setup + steps, time.monotonic() - started, environment, args.jobs)
    return 1 if any(s.failed for s in setup + steps) else 0


def slot_settings(no_services: bool) -> Callable[[int], dict[str, str]]:
    """A slot's Redis and PostgreSQL settings (none with ``--no-services``: then every step
    sees the inherited environment's)."""
    state = services.State(REPO)
    return (
        (lambda slot: {}) if no_services else (lambda slot: services.env_vars(state.load(), slot))
    )


if __name__ == "__main__":
    sys.exit(main())
