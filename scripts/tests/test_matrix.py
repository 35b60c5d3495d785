"""One test matrix: hatch.toml's. The CI script and the GitHub workflow take it from there."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

SCRIPTS = Path(__file__).resolve().parent.parent
REPO = SCRIPTS.parent
WORKFLOW = REPO / ".github" / "workflows" / "ci.yml"


def _load_test_all() -> ModuleType:
    spec = importlib.util.spec_from_file_location("test_all", SCRIPTS / "test-all.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


test_all = _load_test_all()


def _hatch_env(step: Any) -> str | None:
    """The environment of a ``hatch run <env>:<script>`` step, else None."""
    command = step.command
    return command[2].split(":")[0] if command[:2] == ["hatch", "run"] else None


def _workflow() -> dict[str, Any]:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def _runs(job: dict[str, Any]) -> list[str]:
    return [step["run"].strip() for step in job["steps"] if "run" in step]


def test_the_matrix_is_read_from_hatch_toml_as_hatch_expands_it() -> None:
    hatch = shutil.which("hatch")
    if hatch is None:
        pytest.skip("hatch is not on PATH")
    env = {k: v for k, v in os.environ.items() if not k.startswith("HATCH_ENV")}
    shown = subprocess.run(
        [hatch, "env", "show", "--json"], cwd=REPO, capture_output=True, text=True, env=env
    )
    assert shown.returncode == 0, shown.stderr
    expanded = [name for name in json.loads(shown.stdout) if name.split(".")[0] in test_all.MATRIX]
    ours = [f"{env}.{variant}" for env, variants in test_all.MATRIX.items() for variant in variants]
    assert ours == expanded
    assert test_all.PYTHONS == ["3.11", "3.12", "3.13"]


def test_every_environment_the_ci_script_names_is_in_hatch_toml() -> None:
    variants = {f"{env}.{v}" for env, vs in test_all.MATRIX.items() for v in vs}
    plain = {env for env, table in test_all.HATCH["envs"].items() if "matrix" not in table}
    steps = test_all.plan() + test_all.suites(full=True)
    named = {_hatch_env(step) for step in steps} - {None}
    assert named <= variants | plain, sorted(named - variants - plain)
    assert set(test_all.EXTRA) <= variants


def test_ci_runs_each_package_and_combination_on_its_oldest_and_newest_pair() -> None:
    steps = test_all.plan()
    planned = [step.name for step in steps]
    for env, variants in test_all.MATRIX.items():
        if env in test_all.SLICED:
            assert any(name.startswith(f"{env}.") for name in planned), env
            continue
        for variant in (variants[0], variants[-1]):
            assert f"{env}.{variant}" in planned
    assert len(planned) == len(set(planned))
    newest = [step for step in steps if step.name.startswith("newest")]
    assert [step.name for step in newest] == ["newest", "newest-fast-paths-off"]
    assert newest[0].lane == newest[1].lane  # one hatch environment: never at the same time


def test_the_workflow_runs_the_whole_matrix_from_the_ci_script() -> None:
    jobs = _workflow()["jobs"]
    assert "python scripts/test-all.py --github-matrix" in " ".join(_runs(jobs["plan"]))
    assert jobs["plan"]["outputs"]["suites"] == "${{ steps.plan.outputs.suites }}"
    suite = jobs["suite"]
    assert suite["needs"] == "plan"
    assert suite["strategy"]["matrix"] == "${{ fromJSON(needs.plan.outputs.suites) }}"
    assert "${{ matrix.command }}" in _runs(suite)

    output = test_all.github_matrix()
    key, _, value = output.partition("=")
    assert key == "suites" and "\n" not in value
    jobs_of_matrix = json.loads(value)["include"]
    every = test_all.suites(full=True)
    assert [job["name"] for job in jobs_of_matrix] == [step.name for step in every]
    assert [job["command"] for job in jobs_of_matrix] == [test_all.shown(s) for s in every]
    variants = sum(len(vs) for vs in test_all.MATRIX.values())
    assert len(jobs_of_matrix) == variants + 2  # and the newest releases, fast paths on/off
    by_name = {job["name"]: job for job in jobs_of_matrix}
    assert by_name["core.py3.12-django6"]["python"] == "3.12"
    assert by_name["newest-fast-paths-off"] == {
        "name": "newest-fast-paths-off",
        "python": test_all.HATCH["envs"]["newest"]["python"],
        "command": "RESTFLOW_FAST_PATHS=0 hatch run newest:test",
        "chromium": False,
    }
    assert [job["name"] for job in jobs_of_matrix if job["chromium"]] == [
        f"it-example.{variant}" for variant in test_all.MATRIX["it-example"]
    ]


def test_the_workflow_runs_every_check_of_the_ci_script_through_it() -> None:
    runs = [run for job in _workflow()["jobs"].values() for run in _runs(job)]
    kinds = {
        kind
        for run in runs
        if run.startswith("python scripts/test-all.py") and "--kind" in run
        for kind in run.split("--kind", 1)[1].split()
    }
    assert {step.kind for step in test_all.checks()} <= kinds
    # Nothing of the matrix or of the checks is written out by hand in the workflow.
    assert not [run for run in runs if "hatch run" in run]
    by_hand = [run for run in runs if "scripts/" in run and "scripts/test-all.py" not in run]
    assert all("scripts/services.py" in run for run in by_hand), by_hand
