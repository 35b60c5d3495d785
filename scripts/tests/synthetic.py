"""Small synthetic repositories for the tests of scripts/structure.py's rules."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import structure
from structure import Source

PYPROJECT = """\
[project]
name = "{name}"
dependencies = {dependencies}

[tool.hatch.version]
path = "src/restflow/{first}/__about__.py"

[tool.hatch.build.targets.wheel]
sources = ["src"]
only-include = {include}
"""


def make_distribution(
    root: Path,
    name: str,
    files: dict[str, str],
    dependencies: tuple[str, ...] = ("Django>=5.2",),
    tests: dict[str, str] | None = None,
) -> None:
    """packages/<name>/ with a pyproject, ``files`` under src/restflow/ and ``tests``."""
    directory = root / "packages" / name
    subs = sorted({path.split("/")[0] for path in files})
    (directory / "src" / "restflow").mkdir(parents=True)
    (directory / "tests").mkdir()
    (directory / "pyproject.toml").write_text(
        PYPROJECT.format(
            name=name,
            dependencies=list(dependencies),
            first=subs[0],
            include=[f"src/restflow/{sub}" for sub in subs],
        ).replace("'", '"'),
        encoding="utf-8",
    )
    for relative, text in files.items():
        path = directory / "src" / "restflow" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    for relative, text in (tests or {}).items():
        (directory / "tests" / relative).write_text(textwrap.dedent(text), encoding="utf-8")


def things(root: Path, files: dict[str, str], **options: Any) -> None:
    """restflow-things, shipping ``restflow.things`` (an empty ``__init__`` unless given)."""
    make_distribution(root, "restflow-things", {**files}, **options)


def load(root: Path, libraries: dict[str, set[str]] | None = None) -> Source:
    source = structure.load(root)
    source.libraries = (libraries or {}, [])  # no installed library read in these tests
    return source


def messages(findings: list[structure.Finding]) -> list[str]:
    return [str(finding) for finding in findings]


def check(
    rule: Callable[[Source], list[structure.Finding]],
    root: Path,
    files: dict[str, str],
    **options: Any,
) -> list[str]:
    """What ``rule`` finds in restflow-things made of ``files`` (see ``things``)."""
    things(root, files, **options)
    return messages(rule(load(root)))
