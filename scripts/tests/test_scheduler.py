"""scripts/test-all.py's scheduler (``--jobs``): order, whole outputs, failures, slots.

The steps here are small Python commands, not suites. Steps that must overlap wait for
each other's marker file, so a scheduler that ran them one at a time fails them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
import services
from _steps import Step, run_steps
from test_matrix import test_all

# Prints "<name> 1", marks itself started, waits for the other markers given (failing
# after 20 s), fails if a forbidden marker exists, prints "<name> 2" and what it was given.
WAITER = """
import os, pathlib, sys, time
here, name, waits, forbidden = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
print(name, 1, flush=True)
(here / name).touch()
deadline = time.monotonic() + 20
while not all((here / other).exists() for other in waits.split()):
    if time.monotonic() > deadline:
        sys.exit(name + ": never saw " + waits)
    time.sleep(0.01)
if forbidden and (here / forbidden).exists():
    sys.exit(name + ": ran beside " + forbidden)
print(name, 2, os.environ.get("REDIS_URL"), os.environ.get("DATABASE_URL"), flush=True)
"""


def waiter(here: Path, name: str, waits: str = "", forbidden: str = "", lane: str = "") -> Step:
    command = [sys.executable, "-c", WAITER, str(here), name, waits, forbidden]
    return Step(name, "package", command, lane=lane)


def slot_env(slot: int) -> dict[str, str]:
    data = {"redis": {"port": 6390}, "postgres": {"user": "u", "port": 5439, "database": "db"}}
    return services.env_vars(data, slot)


def run(steps: list[Step], jobs: int, here: Path) -> list[Step]:
    finished: list[Step] = []
    run_steps(steps, jobs, here, slot_env, finished.append)
    return finished


def test_the_checks_come_first_then_the_suites_longest_first() -> None:
    planned = test_all.plan()
    checks = len(test_all.checks())
    assert [s.name for s in planned[:checks]] == [s.name for s in test_all.checks()]
    assert {s.kind for s in planned[checks:]} == {"package", "combination"}
    expected = [test_all.typical_seconds(step) for step in planned[checks:]]
    assert expected == sorted(expected, reverse=True)
    assert planned[checks].name.startswith("it-hostile.")
    assert sorted(s.name for s in planned) == sorted(
        s.name for s in test_all.checks() + test_all.suites(full=False)
    )


def test_concurrent_steps_overlap_and_print_their_output_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    steps = [waiter(tmp_path, "first", "second"), waiter(tmp_path, "second", "first")]
    run(steps, 2, tmp_path)
    assert [step.result for step in steps] == ["ok", "ok"]
    lines = [
        line
        for line in capsys.readouterr().out.splitlines()
        if line.split()[:1] in (["first"], ["second"])
    ]
    names = [line.split()[0] for line in lines]
    assert names in (["first"] * 2 + ["second"] * 2, ["second"] * 2 + ["first"] * 2)


def test_steps_of_one_lane_never_overlap_and_keep_their_order(tmp_path: Path) -> None:
    # "a" can only end once "c" runs beside it, and must not see "b" started.
    steps = [
        waiter(tmp_path, "a", "c", forbidden="b", lane="env"),
        waiter(tmp_path, "b", "a", lane="env"),
        waiter(tmp_path, "c", "a"),
    ]
    finished = run(steps, 2, tmp_path)
    assert [step.result for step in steps] == ["ok", "ok", "ok"]
    assert finished.index(steps[0]) < finished.index(steps[1])


def test_each_running_step_has_a_slot_with_its_own_redis_and_postgres_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    steps = [waiter(tmp_path, "first", "second"), waiter(tmp_path, "second", "first")]
    run(steps, 2, tmp_path)
    seen = {
        line.split()[0]: tuple(line.split()[2:])
        for line in capsys.readouterr().out.splitlines()
        if line.startswith(("first 2", "second 2"))
    }
    assert sorted(seen.values()) == [
        ("redis://127.0.0.1:6390/0", "postgres://u@127.0.0.1:5439/db"),
        ("redis://127.0.0.1:6390/1", "postgres://u@127.0.0.1:5439/db_1"),
    ]


def test_a_failing_step_fails_the_run_and_every_other_step_still_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    steps = [
        Step("breaks", "package", [sys.executable, "-c", "raise SystemExit(3)"]),
        Step("passes", "package", [sys.executable, "-c", "print('1 passed in 0.01s')"]),
        Step("missing", "check", [str(tmp_path / "no-such-program")]),
    ]
    monkeypatch.setattr(test_all, "plan", lambda: steps)
    monkeypatch.setenv("PYENV_VERSION", os.environ.get("PYENV_VERSION", ""))
    assert test_all.main(["--no-services", "--jobs", "2"]) == 1
    assert [step.result for step in steps] == ["FAIL (3)", "ok", "FAIL"]
    assert steps[1].counts == {"passed": 1}
    out = capsys.readouterr().out
    assert "3 steps in " in out and "2 at a time" in out and "FAILED: breaks, missing" in out


def test_jobs_is_between_one_and_the_number_of_redis_databases(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for jobs in ("0", str(services.MAX_SLOTS + 1)):
        with pytest.raises(SystemExit):
            test_all.main(["--jobs", jobs, "--list"])
        assert "--jobs must be between 1 and 16" in capsys.readouterr().err
