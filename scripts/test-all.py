#!/usr/bin/env python3
"""Run every check CI runs, then print one table of what ran, with durations.

    python scripts/test-all.py              # everything (the README's test command)
    python scripts/test-all.py --list       # the plan, without running it
    python scripts/test-all.py --only core it-core   # steps whose name contains a word

Steps, in order:

1. start Redis and PostgreSQL (``scripts/services.py start``) and export
   their URLs to every later step;
2. ``lint`` and ``types`` (hatch environments), the wheel check
   (``scripts/wheels.py``), the isolation check (``scripts/isolation.py``,
   from the wheels and from the sdists), the documentation site build
   (``mkdocs build --strict``), the pin check (``scripts/pins.py check``), the scripts' own tests, and the
   example project's smoke test;
3. each per-package hatch environment and each ``tests-integration/``
   combination on the oldest (Python 3.11 + Django 5.2) and the newest
   (Python 3.13 + Django 6.x) supported pair, and restflow-core and the full
   combination on Python 3.12 + Django 6.x too;
4. the newest releases (``newest``): Python 3.13 with the newest Django, DRF,
   asgiref, redis-py and django-redis, pre-releases included, under the suites
   of the packages with fast paths, once as is and once with
   ``RESTFLOW_FAST_PATHS=0`` (every fast path forced off).

Every step runs even when an earlier one failed; the services are stopped at
the end whatever happens (unless they were already running before: then
they belong to someone else and stay up). Exits 1 when any step failed. With ``CI=true``, a
service that cannot start is a failure (the tests that need it would skip).

Needs Python 3.11+ and hatch (``pip install hatch``). Interpreters are
never downloaded: the pyenv versions 3.11, 3.12 and 3.13 are made visible
through ``PYENV_VERSION`` when pyenv is there, else ``python3.1x`` must be on
PATH. Stdlib only.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHONS = ("3.11", "3.12", "3.13")
BASE = "py3.11-django5.2"
PACKAGES = ("core", "filters", "cache", "jwt", "views", "spectacular", "meta")
COMBINATIONS = (
    "core",
    "filters",
    "cache",
    "cache-redis",
    "cache-rq",
    "cache-dramatiq",
    "cache-djangoq",
    "cache-celery",
    "jwt",
    "jwt-cache",
    "views",
    "views-filters",
    "views-cache",
    "views-jwt",
    "spectacular",
    "full",
    "example",
    "hostile",
)
NEWEST = "py3.13-django6"
# Also on Python 3.12 + Django 6.x.
EXTRA = (
    "core.py3.12-django6",
    "it-full.py3.12-django6",
    # restflow-spectacular with the packages it describes
    "spectacular-full.py3.11-django5.2",
    "spectacular-full.py3.13-django6",
    # DRF's oldest supported releases (the other environments get the newest DRF)
    "compat.py3.11-django5.2-drf3.16",
    "compat.py3.12-django5.2-drf3.17",
)

PYTEST_COUNTS = re.compile(r"(\d+) (passed|failed|errors?|skipped|xfailed|xpassed|deselected)")
PYTEST_SUMMARY = re.compile(r"^=*\s*(?:\d+ \w+(?:, )?)+.* in [\d.]+s")


@dataclass
class Step:
    """One thing to run and what came of it."""

    name: str
    kind: str
    command: list[str]
    env: dict[str, str] = field(default_factory=dict)  # added to the inherited environment
    result: str = "not run"
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    note: str = ""

    @property
    def failed(self) -> bool:
        return self.result not in ("ok", "not run", "skipped")


def banner(text: str) -> None:
    print(f"\n{'=' * 8} {text} {'=' * max(4, 70 - len(text))}", flush=True)


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


def start_services() -> tuple[Step, bool]:
    """Start Redis and PostgreSQL; return the step and whether they were running already."""
    step = Step("services", "setup", [sys.executable, "scripts/services.py", "start"])
    banner("services: start Redis and PostgreSQL")
    script = REPO / "scripts" / "services.py"
    if not script.exists():
        step.result, step.note = "skipped", "scripts/services.py does not exist yet"
        print(step.note, flush=True)
        return step, True
    status = [sys.executable, str(script), "status"]
    already = subprocess.run(status, cwd=REPO, capture_output=True, check=False).returncode == 0
    if already:
        print("already running (started by someone else): they stay up afterwards", flush=True)
    started = time.monotonic()
    proc = subprocess.run(step.command, cwd=REPO, stdout=subprocess.PIPE, text=True, check=False)
    step.seconds = time.monotonic() - started
    exported = []
    for line in proc.stdout.splitlines():
        match = re.match(r"^\s*export\s+([A-Za-z_][A-Za-z0-9_]*)=(.*)$", line)
        if match:
            name, value = match.groups()
            os.environ[name] = shlex.split(value)[0] if value.strip() else ""
            exported.append(name)
    print(f"exported: {', '.join(exported) or 'nothing'}", flush=True)
    if proc.returncode == 0:
        step.result = "ok"
        step.note = ", ".join(exported)
    else:
        step.result = "FAIL" if ci() else "skipped"
        step.note = f"services.py exited {proc.returncode}; tests needing Redis/PostgreSQL skip"
        print(step.note, flush=True)
    return step, already


def stop_services() -> None:
    script = REPO / "scripts" / "services.py"
    if script.exists():
        banner("services: stop")
        subprocess.run([sys.executable, str(script), "stop"], cwd=REPO, check=False)


# --------------------------------------------------------------------------- steps


def plan() -> list[Step]:
    py = sys.executable
    steps = [
        Step("lint", "check", ["hatch", "run", "lint:check"]),
        Step("types", "check", ["hatch", "run", "types:check"]),
        Step("wheels", "check", [py, "scripts/wheels.py"]),
        Step("isolation", "check", [py, "scripts/isolation.py"]),
        Step("isolation-sdist", "check", [py, "scripts/isolation.py", "--sdist"]),
        Step("docs", "check", ["hatch", "run", "docs:build"]),
        Step("pins", "check", [py, "scripts/pins.py", "check"]),
    ]
    if (REPO / "scripts" / "tests").is_dir():
        steps.append(Step("scripts", "tests", ["hatch", "run", "scripts:test"]))
    if (REPO / "scripts" / "example_smoke.py").exists() and (
        REPO / "docs" / "example" / "manage.py"
    ).exists():
        steps.append(
            Step("example", "smoke", ["hatch", "run", "example:python", "scripts/example_smoke.py"])
        )
    envs = [f"{package}.{variant}" for variant in (BASE, NEWEST) for package in PACKAGES]
    envs += [f"it-{name}.{variant}" for variant in (BASE, NEWEST) for name in COMBINATIONS]
    envs += EXTRA
    for env in envs:
        kind = "combination" if env.startswith("it-") else "package"
        steps.append(Step(env, kind, ["hatch", "run", f"{env}:test"]))
    newest = ["hatch", "run", "newest:test"]
    steps.append(Step("newest", "package", newest))
    steps.append(Step("newest-fast-paths-off", "package", newest, {"RESTFLOW_FAST_PATHS": "0"}))
    return steps


def shown(step: Step) -> str:
    """The step's command line as a shell would take it (its own variables first)."""
    return " ".join([*(f"{k}={v}" for k, v in step.env.items()), *step.command])


def run_step(step: Step) -> None:
    banner(f"{step.name} ({step.kind}): {shown(step)}")
    started = time.monotonic()
    summaries: list[str] = []  # an environment's script may run pytest more than once
    try:
        proc = subprocess.Popen(
            step.command,
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            env={**os.environ, **step.env},
        )
    except FileNotFoundError as exc:
        step.result, step.note = "FAIL", f"cannot run: {exc}"
        print(step.note, flush=True)
        return
    assert proc.stdout is not None
    for line in proc.stdout:
        sys.stdout.write(line)
        sys.stdout.flush()
        text = line.rstrip("\n")
        if PYTEST_SUMMARY.search(text.strip("= ")) or PYTEST_SUMMARY.search(text):
            summaries.append(text)
    code = proc.wait()
    step.seconds = time.monotonic() - started
    for line in summaries:
        for number, word in PYTEST_COUNTS.findall(line):
            key = "errors" if word.startswith("error") else word
            step.counts[key] = step.counts.get(key, 0) + int(number)
    if code == 0:
        step.result = "ok"
    elif code == 5 and step.kind in ("package", "combination"):
        step.result, step.note = "FAIL", "no tests collected"
    else:
        step.result = f"FAIL ({code})"


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


def print_summary(steps: list[Step], total_seconds: float, environment: str) -> None:
    banner("summary")
    print(environment)
    rows = [("step", "kind", "result", "tests", "time")]
    for s in steps:
        rows.append((s.name, s.kind, s.result, tests_cell(s), f"{s.seconds:6.1f}s"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for i, row in enumerate(rows):
        print("  ".join(cell.ljust(widths[j]) for j, cell in enumerate(row)).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))
    for s in steps:
        if s.note and (s.failed or s.result == "skipped"):
            print(f"note: {s.name}: {s.note}")
    failed = [s.name for s in steps if s.failed]
    minutes, seconds = divmod(int(total_seconds), 60)
    print(
        f"\n{len(steps)} steps in {minutes}m{seconds:02d}s; "
        + (f"FAILED: {', '.join(failed)}" if failed else "all passed")
    )
    passed = sum(s.counts.get("passed", 0) for s in steps)
    broken = sum(s.counts.get("failed", 0) + s.counts.get("errors", 0) for s in steps)
    skipped = sum(s.counts.get("skipped", 0) for s in steps)
    print(f"total: {passed} passed, {broken} failed, {skipped} skipped", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--list", action="store_true", help="print the steps and exit")
    parser.add_argument(
        "--only", nargs="+", metavar="WORD", help="run steps whose name contains a word"
    )
    parser.add_argument("--no-services", action="store_true", help="do not start Redis/PostgreSQL")
    args = parser.parse_args(argv)

    if sys.version_info < (3, 11):  # noqa: UP036  (a guard for the wrong interpreter)
        parser.error("needs Python 3.11+ (the repository scripts use tomllib)")
    steps = plan()
    if args.only:
        steps = [s for s in steps if any(word in s.name for word in args.only)]
    if args.list:
        for s in steps:
            print(f"{s.name:<36} {s.kind:<12} {shown(s)}")
        return 0
    if not shutil.which("hatch"):
        parser.error("hatch is not installed: pip install hatch")

    environment = expose_pyenv_versions()
    missing = missing_pythons()
    if missing:
        environment += (
            f"; MISSING interpreters: {', '.join(missing)} (their environments will fail)"
        )
    environment += f"; CI={os.environ.get('CI', '')}"
    banner("test-all")
    print(environment, flush=True)

    # Turn SIGTERM into an exception so the services are stopped on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.monotonic()
    done: list[Step] = []
    keep_services = args.no_services
    try:
        if not args.no_services:
            step, keep_services = start_services()
            done.append(step)
        for step in steps:
            run_step(step)
            done.append(step)
    finally:
        if not keep_services:
            stop_services()
        print_summary(
            done + [s for s in steps if s not in done], time.monotonic() - started, environment
        )
    return 1 if any(s.failed for s in done) else 0


if __name__ == "__main__":
    sys.exit(main())
