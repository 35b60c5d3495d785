"""The steps of ``scripts/test-all.py`` and how they run: one at a time, or several at once.

With ``jobs`` above 1, up to ``jobs`` steps run at the same time, each in a *slot*
(``0 .. jobs-1``) whose environment :func:`run_steps` takes from ``slot_env`` (its own
Redis database and PostgreSQL database, so that two steps never share data). Steps of
one *lane* (the same hatch environment, or the wheel build and the checks that read
``dist/``) never overlap and keep their order. A step's output is captured and printed
whole when it ends, so the log never interleaves two steps; with one job it streams.

A step that runs in a hatch environment first makes sure the environment was built
from these package sources (:func:`renew_stale_env`): hatch re-syncs an environment
whose dependency list changed, but keeps a workspace member installed as it was when
the member's version or metadata changed since.

Stdlib only: it runs before any virtualenv exists.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

PYTEST_COUNTS = re.compile(r"(\d+) (passed|failed|errors?|skipped|xfailed|xpassed|deselected)")
PYTEST_SUMMARY = re.compile(r"^=*\s*(?:\d+ \w+(?:, )?)+.* in [\d.]+s")


@dataclass
class Step:
    """One thing to run and what came of it."""

    name: str
    kind: str
    command: list[str]
    env: dict[str, str] = field(default_factory=dict)  # added to the inherited environment
    # steps of one lane run one after another, in plan order (default: the hatch
    # environment the step runs in, else its name)
    lane: str = ""
    result: str = "not run"
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    note: str = ""

    def __post_init__(self) -> None:
        self.lane = self.lane or hatch_env(self) or self.name

    @property
    def failed(self) -> bool:
        return self.result not in ("ok", "not run", "skipped")


def banner(text: str, out: TextIO | None = None) -> None:
    print(f"\n{'=' * 8} {text} {'=' * max(4, 70 - len(text))}", file=out or sys.stdout, flush=True)


def shown(step: Step) -> str:
    """The step's command line as a shell would take it (its own variables first)."""
    return " ".join([*(f"{k}={v}" for k, v in step.env.items()), *step.command])


def longest_first(steps: Sequence[Step], seconds: Callable[[Step], float]) -> list[Step]:
    """``steps`` ordered by their expected ``seconds``, longest first (ties keep their order)."""
    return sorted(steps, key=lambda step: -seconds(step))


STAMP = "restflow-sources.sha256"  # in a hatch environment: the sources it was built from


def sources_fingerprint(root: Path) -> str:
    """A digest of what hatch installs from the repository itself: every package's
    ``pyproject.toml`` and version file (``__about__.py``)."""
    digest = hashlib.sha256()
    files = [*root.glob("packages/*/pyproject.toml"), *root.glob("packages/*/src/*/*/__about__.py")]
    for path in sorted(files):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def hatch_env(step: Step) -> str | None:
    """The hatch environment ``step`` runs in (``hatch run <env>:...``), if any."""
    command = step.command
    if command[:2] == ["hatch", "run"] and len(command) > 2 and ":" in command[2]:
        return command[2].split(":", 1)[0]
    return None


def renew_stale_env(env: str, fingerprint: str, cwd: Path, out: TextIO) -> Path | None:
    """Remove hatch environment ``env`` when it exists but was not built from the sources
    ``fingerprint`` stands for (no stamp, or another one), so that ``hatch run`` builds it
    anew; returns its path, for :func:`run_step` to stamp once the step ran."""
    found = subprocess.run(
        ["hatch", "env", "find", env], cwd=cwd, capture_output=True, text=True, check=False
    )
    lines = found.stdout.strip().splitlines()
    if found.returncode != 0 or not lines:
        return None
    path = Path(lines[-1])
    stamp = path / STAMP
    if path.is_dir() and (not stamp.is_file() or stamp.read_text() != fingerprint):
        print(f"{env}: built from other package sources: removed, to be built anew", file=out)
        removed = subprocess.run(
            ["hatch", "env", "remove", env], cwd=cwd, capture_output=True, text=True, check=False
        )
        out.write(removed.stdout + removed.stderr)
    return path


def run_step(step: Step, out: TextIO, cwd: Path, slot_env: dict[str, str]) -> None:
    """Run ``step`` to its end, its output (stderr included) written to ``out``."""
    banner(f"{step.name} ({step.kind}): {shown(step)}", out)
    started = time.monotonic()
    env = hatch_env(step)
    fingerprint = sources_fingerprint(cwd) if env else ""
    env_path = renew_stale_env(env, fingerprint, cwd, out) if env else None
    summaries: list[str] = []  # an environment's script may run pytest more than once
    try:
        proc = subprocess.Popen(
            step.command,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            env={**os.environ, **slot_env, **step.env},
        )
    except FileNotFoundError as exc:
        step.result, step.note = "FAIL", f"cannot run: {exc}"
        print(step.note, file=out, flush=True)
        return
    assert proc.stdout is not None
    for line in proc.stdout:
        out.write(line)
        out.flush()
        text = line.rstrip("\n")
        if PYTEST_SUMMARY.search(text.strip("= ")) or PYTEST_SUMMARY.search(text):
            summaries.append(text)
    code = proc.wait()
    step.seconds = time.monotonic() - started
    if env_path is not None and env_path.is_dir():
        (env_path / STAMP).write_text(fingerprint)
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


def run_steps(
    steps: Sequence[Step],
    jobs: int,
    cwd: Path,
    slot_env: Callable[[int], dict[str, str]],
    finished: Callable[[Step], None],
) -> None:
    """Run ``steps``, up to ``jobs`` at a time, in their order as far as their lanes allow.

    Each step runs with ``slot_env(slot)`` added to its environment, ``slot`` being one no
    other running step holds; ``finished(step)`` is called as each one ends (one at a time).
    """
    pending = list(steps)
    free = list(range(jobs))
    busy: set[str] = set()
    changed = threading.Condition()

    def run(step: Step, slot: int) -> None:
        out = sys.stdout if jobs == 1 else io.StringIO()
        try:
            run_step(step, out, cwd, slot_env(slot))
        except Exception as exc:
            step.result, step.note = "FAIL", f"{type(exc).__name__}: {exc}"
        with changed:
            if isinstance(out, io.StringIO):
                sys.stdout.write(out.getvalue())
                print(f"-------- {step.name}: {step.result} in {step.seconds:.1f}s (slot {slot})")
                sys.stdout.flush()
            finished(step)
            busy.discard(step.lane)
            free.append(slot)
            changed.notify_all()

    with changed:
        while pending or len(free) < jobs:
            ready = next((s for s in pending if s.lane not in busy), None) if free else None
            if ready is None:
                changed.wait()
                continue
            pending.remove(ready)
            busy.add(ready.lane)
            slot = free.pop(0)
            if jobs > 1:
                print(f"-------- {ready.name}: started (slot {slot})", flush=True)
            threading.Thread(target=run, args=(ready, slot), daemon=True).start()
