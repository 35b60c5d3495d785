"""Every Python code sample in docs/ and in the READMEs runs, file by file, in an empty namespace.

A file's ```python blocks run in order, top to bottom, in one fresh module,
``docs_snippet``, that starts **empty**: nothing is imported or defined for
them. Later blocks of a file see the names earlier blocks defined, as a reader
going down the page does; no name crosses from one file to another. A block
that needs set-up does it itself, in the open: it imports what it uses, and
creates the rows it reads; the example models come from
``docs_support.models``, imported by name. The module is registered in
``sys.modules`` while the file runs (so ``typing.get_type_hints`` finds a
block's names, as it finds a real module's); each block is compiled on its
own, at its lines of the file (tracebacks show the page), without this file's ``from __future__`` imports, and one with a
top-level ``await`` runs as a coroutine.

The samples run in one database transaction per file, under the integration
settings (tests-integration/conftest.py) with the set-up every page states
(docs/index.md): restflow's exception handler.

Two kinds of Python block do not run here:

- in docs/tutorial.md, a block with a ``title="<path>"`` is a file of the
  tutorial's project: test_tutorial.py writes them into a new Django project
  and runs its tests;
- a block after ``<!-- not-run: <reason> -->`` is deliberately not run;
  ``NOT_RUN`` counts them, file by file, and says why.

A file runs only where every distribution its samples use is installed (the
full combination has them all). Every fenced block must name its language, so
a Python block cannot hide from this runner unlabelled.
"""

from __future__ import annotations

import ast
import sys
import types
from collections import Counter
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync
from django.test import override_settings

from docs_support.fences import Block, blocks

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
TUTORIAL = "docs/tutorial.md"

# file -> the distributions its samples import
SOURCES: dict[str, tuple[str, ...]] = {
    TUTORIAL: ("restflow-views", "restflow-filters", "restflow-jwt", "restflow-cache"),
    "docs/index.md": ("restflow-core",),
    "docs/async.md": ("restflow-core",),
    "docs/async-cache.md": ("restflow-core",),
    "docs/filtering.md": ("restflow-filters",),
    "docs/caching.md": ("restflow-cache", "celery"),
    "docs/authentication.md": ("restflow-jwt", "djangorestframework-simplejwt"),
    "docs/views.md": ("restflow-views",),
    "docs/serializers.md": ("restflow-views",),
    "docs/permissions.md": ("restflow-views",),
    "docs/errors.md": ("restflow-views", "restflow-jwt"),
    "docs/services.md": ("restflow-views",),
    "docs/testing.md": ("restflow-views",),
    "docs/streaming.md": ("restflow-views",),
    "docs/throttling.md": ("restflow-views",),
    "docs/schema.md": ("restflow-spectacular", "restflow-views", "restflow-filters"),
    "docs/migration.md": ("restflow-views", "restflow-filters"),
    "docs/benchmarks.md": (),
    "docs/compatibility.md": (),
    "docs/security.md": (),
    "docs/settings.md": ("restflow-core",),
    "docs/deployment.md": (
        "restflow-cache",
        "restflow-jwt",
        "restflow-views",
        "celery",
        "dramatiq",
    ),
    "README.md": (),
    "packages/restflow/README.md": (),
    "packages/restflow-core/README.md": ("restflow-core",),
    "packages/restflow-filters/README.md": ("restflow-filters",),
    "packages/restflow-cache/README.md": ("restflow-cache",),
    "packages/restflow-jwt/README.md": ("restflow-jwt",),
    "packages/restflow-views/README.md": ("restflow-views",),
    "packages/restflow-spectacular/README.md": ("restflow-spectacular",),
}

# file -> how many of its Python blocks are marked not-run, and why
NOT_RUN: dict[str, int] = {
    # the JWT set-up: a settings.py excerpt whose signing key comes from the deployment's
    # environment (os.environ["JWT_SIGNING_KEY"]), as it should; running it here would need
    # this test to plant that variable, which is the hidden set-up this runner refuses
    "docs/authentication.md": 1,
    "packages/restflow-jwt/README.md": 1,
}


def _markdown_files() -> list[Path]:
    """Every page of docs/ and every README of the repository."""
    readmes = [
        ROOT / "README.md",
        *ROOT.glob("packages/*/README.md"),
        *ROOT.glob("scripts/**/README.md"),
    ]
    return sorted([*DOCS.rglob("*.md"), *readmes])


def _python_blocks(source: str) -> list[Block]:
    return [block for block in blocks(ROOT / source) if block.language == "python"]


def _runs_here(block: Block, source: str) -> bool:
    return block.not_run is None and not (source == TUTORIAL and block.title)


def test_every_page_and_readme_is_listed() -> None:
    pages = {f"docs/{path.name}" for path in DOCS.glob("*.md")}
    readmes = {"README.md", *(str(p.relative_to(ROOT)) for p in ROOT.glob("packages/*/README.md"))}
    assert pages | readmes == set(SOURCES), "list new pages and READMEs in SOURCES"


def test_every_code_block_names_its_language() -> None:
    unlabelled = [
        f"{block.path.relative_to(ROOT)}:{block.line}"
        for path in _markdown_files()
        for block in blocks(path)
        if not block.language
    ]
    assert not unlabelled, (
        f"unlabelled code blocks at {', '.join(unlabelled)}: name the language of each "
        "(python, and it runs; sh, text, ini, toml, json, ...)"
    )


def test_not_run_blocks_are_the_few_listed() -> None:
    marked: Counter[str] = Counter()
    for path in _markdown_files():
        for block in blocks(path):
            if block.not_run is not None:
                assert block.language == "python", f"{block.where}: only Python blocks run"
                marked[str(path.relative_to(ROOT))] += 1
    assert dict(marked) == NOT_RUN, "a not-run block needs a reason in NOT_RUN"


def _run(block: Block, namespace: dict[str, object]) -> None:
    # compiled at its own lines of the Markdown file, so a traceback shows the page's lines
    source = "\n" * block.line + block.code
    flags = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
    code = compile(source, str(block.path), "exec", flags=flags, dont_inherit=True)
    result = eval(code, namespace)
    if result is not None:  # the block awaited something: it compiled to a coroutine

        async def finish() -> None:
            await result

        async_to_sync(finish)()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "source",
    [pytest.param(source, marks=pytest.mark.requires(*needs)) for source, needs in SOURCES.items()],
)
def test_python_samples_run_in_an_empty_namespace(source: str) -> None:
    module = types.ModuleType("docs_snippet")
    # the set-up every page states (docs/index.md): restflow's exception handler
    handler = {"EXCEPTION_HANDLER": "restflow.exceptions.exception_handler"}
    sys.modules[module.__name__] = module
    try:
        with override_settings(REST_FRAMEWORK=handler):
            for block in _python_blocks(source):
                if _runs_here(block, source):
                    _run(block, module.__dict__)
    finally:
        del sys.modules[module.__name__]
