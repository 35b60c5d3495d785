"""Every Python code sample in docs/ runs, page by page, against the installed packages.

A page's ```python blocks run in order in one module, ``docs_snippet``,
registered in ``sys.modules`` while the page runs and seeded by
``combo_support.docs_namespace`` (so ``typing.get_type_hints`` finds a
block's names, as it finds a real module's); each block is compiled on its
own, without this file's ``from __future__`` imports. A block with a
top-level ``await`` runs as a coroutine. A page runs only where every restflow distribution it uses
is installed (the full combination has them all), so the docs cannot drift
from the code.
"""

from __future__ import annotations

import ast
import re
import sys
import types
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import async_to_sync

DOCS = Path(__file__).resolve().parent.parent / "docs"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)

# page -> the distributions its samples import
PAGES: dict[str, tuple[str, ...]] = {
    "index.md": ("restflow-core",),
    "async.md": ("restflow-core",),
    "async-cache.md": ("restflow-core",),
    "filtering.md": ("restflow-filters",),
    "caching.md": ("restflow-cache", "celery"),
    "authentication.md": ("restflow-jwt", "djangorestframework-simplejwt"),
    "views.md": ("restflow-views",),
    "serializers.md": ("restflow-views",),
    "permissions.md": ("restflow-views",),
    "errors.md": ("restflow-views", "restflow-jwt"),
    "services.md": ("restflow-views",),
    "testing.md": ("restflow-views",),
    "streaming.md": ("restflow-views",),
    "throttling.md": ("restflow-views",),
    "schema.md": ("restflow-spectacular", "restflow-views", "restflow-filters"),
    "migration.md": ("restflow-views", "restflow-filters"),
    "benchmarks.md": (),
    "compatibility.md": (),
    "security.md": (),
    "settings.md": ("restflow-core",),
    "deployment.md": ("restflow-cache", "restflow-jwt", "restflow-views", "celery", "dramatiq"),
}


def test_every_page_is_listed() -> None:
    pages = {path.name for path in DOCS.glob("*.md")}
    assert pages == set(PAGES), "add new docs pages to PAGES with the distributions they use"


def _blocks(page: str) -> list[str]:
    return BLOCK.findall((DOCS / page).read_text(encoding="utf-8"))


def _run(source: str, namespace: dict[str, Any], where: str) -> None:
    code = compile(source, where, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True)
    result = eval(code, namespace)
    if result is not None:  # the block awaited something: it compiled to a coroutine

        async def finish() -> None:
            await result

        async_to_sync(finish)()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "page",
    [pytest.param(page, marks=pytest.mark.requires(*needs)) for page, needs in PAGES.items()],
)
def test_page_samples_run(page: str) -> None:
    from django.test import override_settings

    from combo_support.docs_namespace import namespace

    module = types.ModuleType("docs_snippet")
    module.__dict__.update(namespace())
    blocks = _blocks(page)
    # the set-up every page assumes (docs/index.md): restflow's exception handler
    handler = {"EXCEPTION_HANDLER": "restflow.exceptions.exception_handler"}
    sys.modules[module.__name__] = module
    try:
        with override_settings(REST_FRAMEWORK=handler):
            for index, source in enumerate(blocks, start=1):
                _run(source, module.__dict__, f"docs/{page} (python block {index})")
    finally:
        del sys.modules[module.__name__]
