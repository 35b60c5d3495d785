"""docs/tutorial.md, followed to the letter: its project is built from the page and its tests pass.

The page's blocks are taken in order, in a new empty directory:

- a block titled ``<path>`` is that file, whole; ``<path> (add at the end)`` is
  appended to it (files of Django's ``startproject`` and ``startapp`` included);
- an ``sh`` block runs in bash, line by line, as the reader types it, except
  ``pip install`` lines: the combination already holds those packages. Variables
  a block exports (``JWT_SIGNING_KEY``) reach the later blocks, as in one shell.

The page's ``pytest`` run must then pass every test the page wrote, with no
warning (a missing pytest-asyncio option warns), and ``manage.py check`` must find
no issue. Untitled Python blocks of the page run in test_docs.py.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from docs_support.fences import Block, blocks

TUTORIAL = Path(__file__).resolve().parent.parent / "docs" / "tutorial.md"
APPEND = " (add at the end)"
STEP_TIMEOUT = 300  # seconds for one sh block (the test run is the longest)


def _target(block: Block) -> tuple[str, bool]:
    """The file a titled block writes, and whether it is appended to that file."""
    assert block.title is not None
    path, append = block.title, block.title.endswith(APPEND)
    if append:
        path = path[: -len(APPEND)]
    if not re.fullmatch(r"[\w.-]+(/[\w.-]+)*", path):
        raise ValueError(
            f"{block.where}: a title is '<path>' or '<path>{APPEND}', not {block.title!r}"
        )
    return path, append


def _write(project: Path, block: Block) -> None:
    path, append = _target(block)
    target = project / path
    target.parent.mkdir(parents=True, exist_ok=True)
    if append:
        with target.open("a", encoding="utf-8") as file:
            file.write("\n\n" + block.code)
    else:
        target.write_text(block.code, encoding="utf-8")


def _shell(project: Path, block: Block, state: Path) -> str:
    """Run an ``sh`` block in bash; ``state`` carries its exported variables to the next."""
    lines = [line for line in block.code.splitlines() if not line.lstrip().startswith("pip ")]
    script = "\n".join(["set -euo pipefail", f'source "{state}"', *lines, f'export -p > "{state}"'])
    environment = {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": os.environ.get("HOME", str(project)),
        "LANG": "C.UTF-8",
    }
    done = subprocess.run(
        ["bash", "-c", script],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=STEP_TIMEOUT,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"{block.where}: the commands failed:\n{block.code}\n{output}"
    return output


def _tests_written(project: Path) -> int:
    """How many test functions the page's titled blocks wrote."""
    count = 0
    for path in project.rglob("test*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        count += sum(
            isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and node.name.startswith("test_")
            for node in tree.body
        )
    return count


@pytest.mark.requires(
    "restflow-views",
    "restflow-filters",
    "restflow-jwt",
    "restflow-cache",
    "pytest-django",
    "pytest-asyncio",
)
def test_the_tutorial_builds_a_project_whose_tests_pass(tmp_path: Path) -> None:
    project = tmp_path / "shop-api"
    project.mkdir()
    state = tmp_path / "shell-state"
    state.write_text("", encoding="utf-8")
    outputs: dict[str, str] = {}
    for block in blocks(TUTORIAL):
        if block.title is not None:
            _write(project, block)
        elif block.language == "sh":
            for command in ("manage.py check", "pytest"):
                if any(line.strip().endswith(command) for line in block.code.splitlines()):
                    outputs[command] = _shell(project, block, state)
                    break
            else:
                _shell(project, block, state)

    assert "System check identified no issues" in outputs["manage.py check"]
    tests = _tests_written(project)
    run = outputs["pytest"]
    assert re.search(rf"^=+ {tests} passed in [\d.]+s =+$", run, re.M), run
    assert "warning" not in run.lower(), run
