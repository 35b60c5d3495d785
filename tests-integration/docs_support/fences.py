"""The fenced code blocks of a Markdown file, as the documentation tests read them.

A block opens with three or more backticks (or tildes) and an info string,
```` ```python title="shop/models.py" ````: its language is the first word
(empty for an unlabelled block) and its title the ``title="..."`` attribute.
``<!-- not-run: <reason> -->`` on the line before a fence marks a block that
is deliberately not executed; the reason is kept.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_TITLE = re.compile(r'title="(?P<title>[^"]*)"')
_NOT_RUN = re.compile(r"^\s*<!--\s*not-run:\s*(?P<reason>.+?)\s*-->\s*$")


@dataclass(frozen=True)
class Block:
    """One fenced block: where it is, how it is labelled, and its code."""

    path: Path
    line: int  # 1-based line of the opening fence
    language: str
    title: str | None
    not_run: str | None  # the reason given by a not-run marker, else None
    code: str

    @property
    def where(self) -> str:
        return f"{self.path.name}:{self.line}"


def blocks(path: Path) -> list[Block]:
    """Every fenced block of ``path``, in order (a fence left open is a ``ValueError``)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        fence, info = opening["fence"], opening["info"].strip()
        end = _closing(lines, index + 1, fence)
        if end is None:
            raise ValueError(f"{path}:{index + 1}: the code block opened here is never closed")
        title = _TITLE.search(info)
        marker = _NOT_RUN.match(lines[index - 1]) if index else None
        found.append(
            Block(
                path=path,
                line=index + 1,
                language=info.split()[0] if info else "",
                title=title["title"] if title else None,
                not_run=marker["reason"] if marker else None,
                code=textwrap.dedent("\n".join(lines[index + 1 : end])) + "\n",
            )
        )
        index = end + 1
    return found


def _closing(lines: list[str], start: int, fence: str) -> int | None:
    """The index of the line closing a block opened with ``fence``."""
    for index in range(start, len(lines)):
        stripped = lines[index].strip()
        if stripped.startswith(fence[0] * len(fence)) and not stripped.strip(fence[0]):
            return index
    return None
