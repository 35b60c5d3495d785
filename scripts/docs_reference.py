"""The ``::: dotted.path`` directives of the API reference (``docs/reference/*.md``).

Two readers share this parser:

- ``tests-integration/test_reference.py`` compares the names the directives
  render with every import package's ``__all__``;
- mkdocs, which loads this file as a hook (``hooks:`` in ``mkdocs.yml``): a
  directive whose object or listed member did not render (mkdocstrings skips a
  listed member it cannot find without a word) is a warning, which
  ``mkdocs build --strict`` turns into a failure. The hook also drops the Sphinx
  roles the docstrings use (``:meth:`x```), which the Google-style renderer
  would print as text.

A directive renders its own heading (its ``path``) and, when its options
name ``members: [a, b]``, one heading per listed member (``path.a``, ...);
``members: false`` renders none. Needs PyYAML only (a dependency of mkdocs and
of drf-spectacular, so every environment that reads the reference has it).
"""

from __future__ import annotations

import logging
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REFERENCE_DIR = "reference"
_DIRECTIVE = re.compile(r"^:::[ \t]*(?P<path>\S+)[ \t]*\n(?P<options>(?:[ \t]+\S.*\n?)*)", re.M)
_HEADING_ID = re.compile(r"""\sid=["']([^"']+)["']""")
_ROLE = re.compile(r":(?:attr|class|data|exc|func|meth|mod|obj):<code>(~?)([^<]*)</code>")

log = logging.getLogger("mkdocs.plugins.restflow.reference")


@dataclass(frozen=True)
class Directive:
    """One ``::: path`` block and the ``members`` option it gives (``None``: not given)."""

    path: str
    members: tuple[str, ...] | bool | None
    where: str  # "<page>:<line>", for messages

    def headings(self) -> list[str]:
        """The heading ids the rendered page must hold for this directive."""
        listed = self.members if isinstance(self.members, tuple) else ()
        return [self.path, *(f"{self.path}.{name}" for name in listed)]


def parse(markdown: str, page: str) -> list[Directive]:
    """Every directive of ``markdown`` (the page named ``page``), in order."""
    found = []
    for match in _DIRECTIVE.finditer(markdown):
        line = markdown.count("\n", 0, match.start()) + 1
        where = f"{page}:{line}"
        options: dict[str, Any] = {}
        block = textwrap.dedent(match["options"])
        if block.strip():
            loaded = yaml.safe_load(block) or {}
            options = loaded.get("options") or {}
        members = options.get("members")
        if isinstance(members, list):
            members = tuple(str(name) for name in members)
        elif members is not None and not isinstance(members, bool):
            raise ValueError(f"{where}: members must be a list or a boolean, not {members!r}")
        found.append(Directive(match["path"], members, where))
    return found


def parse_dir(directory: Path) -> list[Directive]:
    """Every directive of the ``*.md`` pages under ``directory`` (page names relative to it)."""
    directives = []
    for page in sorted(directory.glob("*.md")):
        directives.extend(parse(page.read_text(encoding="utf-8"), page.name))
    return directives


def missing_headings(markdown: str, html: str, page: str) -> list[str]:
    """The ids the directives of ``markdown`` should have rendered and ``html`` lacks."""
    ids = set(_HEADING_ID.findall(html))
    return [
        f"{directive.where}: {heading}"
        for directive in parse(markdown, page)
        for heading in directive.headings()
        if heading not in ids
    ]


def drop_roles(html: str) -> str:
    """``:meth:<code>x</code>`` as ``<code>x</code>`` (``~a.b.c``: ``c``, as Sphinx shows it)."""
    return _ROLE.sub(
        lambda match: f"<code>{match[2].rpartition('.')[2] if match[1] else match[2]}</code>",
        html,
    )


def on_page_content(html: str, page: Any, **kwargs: Any) -> str:
    """mkdocs hook: warn (a failure under ``--strict``) about every heading that did not render."""
    src = page.file.src_uri
    if not src.startswith(f"{REFERENCE_DIR}/"):
        return html
    for missing in missing_headings(page.markdown, html, src):
        log.warning("API reference %s did not render (is the name spelt right?)", missing)
    return drop_roles(html)
