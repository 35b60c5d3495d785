"""The README's test command is the one CI runs (``.ci/run``), character for character."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    """The newcomer commands: the lines of the README's ```sh blocks under "Quick start"."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(?:sh|bash|console)\n(.*?)```", section, flags=re.S)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip()]


def test_readme_gives_exactly_two_commands() -> None:
    commands = readme_commands()
    assert len(commands) == 2, commands
    assert "example:serve" in commands[0]
    assert "scripts/test-all.py" in commands[1]


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    test_command = readme_commands()[1]
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    executed = [line.strip() for line in ci.splitlines() if not line.lstrip().startswith("#")]
    assert test_command in executed, f".ci/run does not run {test_command!r} as a line of its own"
