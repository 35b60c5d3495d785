"""The API reference (docs/reference/*.md) renders every public name, and nothing else.

Public names are each import package's ``__all__`` (every ``restflow/<sub>/`` that
a distribution under ``packages/`` ships), plus the few names that settings and URL
configurations import from a module of their own (``SUBMODULE_NAMES``). The
reference renders what its ``::: dotted.path`` directives name: the object itself,
or, for a module, the members its ``members:`` option lists. That the directives
render at all is the docs build's check (``scripts/docs_reference.py``, an mkdocs
hook, fails ``mkdocs build --strict`` on a name that did not render).
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
REFERENCE = REPO / "docs" / "reference"
DISTRIBUTIONS = (
    "restflow-core",
    "restflow-filters",
    "restflow-cache",
    "restflow-jwt",
    "restflow-views",
    "restflow-spectacular",
)

# Public names that live outside the import packages' ``__all__``: the token views
# (URL configurations import them from their module), the default user rule and the
# schema's error component (settings and schema hooks name them by dotted path).
SUBMODULE_NAMES = frozenset(
    {
        "restflow.authentication.views.TokenObtainView",
        "restflow.authentication.views.TokenRefreshView",
        "restflow.authentication.views.TokenBlacklistView",
        "restflow.authentication.views.TokenObtainResponseSerializer",
        "restflow.authentication.views.TokenRefreshResponseSerializer",
        "restflow.authentication.views.TokenBlacklistResponseSerializer",
        "restflow.authentication.users.default_user_authentication_rule",
        "restflow.spectacular.errors.ERROR_COMPONENT_NAME",
        "restflow.spectacular.errors.ERROR_ENVELOPE_SCHEMA",
        "restflow.spectacular.errors.ERROR_DESCRIPTIONS",
    }
)
# Modules documented as a whole: their one class is built when first used.
SUBMODULE_PAGES = frozenset({"restflow.authentication.simplejwt"})

pytestmark = pytest.mark.requires(*DISTRIBUTIONS)


def _docs_reference() -> ModuleType:
    """``scripts/docs_reference.py``, the directive parser the docs build uses too."""
    path = REPO / "scripts" / "docs_reference.py"
    spec = importlib.util.spec_from_file_location("docs_reference", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("docs_reference", module)
    spec.loader.exec_module(module)
    return module


def import_packages() -> list[str]:
    """Every ``restflow.<sub>`` a distribution under ``packages/`` ships."""
    return sorted(
        f"restflow.{init.parent.name}"
        for init in REPO.glob("packages/*/src/restflow/*/__init__.py")
    )


def public_names() -> set[str]:
    names = set(SUBMODULE_NAMES)
    for package in import_packages():
        module = importlib.import_module(package)
        names.update(f"{package}.{name}" for name in module.__all__)
    return names


def _resolve(path: str) -> Any:
    """The object ``path`` names: the longest importable module prefix, then attributes."""
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attribute in parts[cut:]:
            found = getattr(found, attribute)
        return found
    raise ImportError(path)


def rendered_names(directives: list[Any]) -> tuple[list[str], list[str]]:
    """The public paths the directives render, and what is wrong with the directives."""
    rendered: list[str] = []
    problems: list[str] = []
    modules = set(import_packages()) | SUBMODULE_PAGES
    for directive in directives:
        try:
            target = _resolve(directive.path)
        except (ImportError, AttributeError):
            problems.append(f"{directive.where}: {directive.path} does not exist")
            continue
        if not isinstance(target, ModuleType):
            rendered.append(directive.path)
        elif directive.path not in modules:
            problems.append(f"{directive.where}: {directive.path} is not an import package")
        elif isinstance(directive.members, tuple):
            rendered.extend(f"{directive.path}.{name}" for name in directive.members)
        elif directive.members is not False:
            problems.append(
                f"{directive.where}: give `::: {directive.path}` an explicit `members:` list "
                "(or `members: false`)"
            )
    return rendered, problems


def test_reference_renders_every_public_name_once_and_nothing_else() -> None:
    directives = _docs_reference().parse_dir(REFERENCE)
    rendered, problems = rendered_names(directives)
    expected = public_names()

    missing = sorted(expected - set(rendered))
    extra = sorted(set(rendered) - expected)
    twice = sorted(name for name, count in Counter(rendered).items() if count > 1)
    report = [
        *problems,
        *(f"missing from docs/reference: `::: {name}`" for name in missing),
        *(f"not public (in no __all__): `::: {name}`" for name in extra),
        *(f"rendered twice: {name}" for name in twice),
    ]
    assert not report, "\n".join(report)


def test_every_reference_page_is_in_the_navigation() -> None:
    nav = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    listed = set(re.findall(r"\breference/[\w-]+\.md\b", nav))
    pages = {f"reference/{page.name}" for page in REFERENCE.glob("*.md")}
    assert pages == listed, f"pages {sorted(pages - listed)} not in mkdocs.yml's nav"


def test_the_checks_catch_a_missing_an_internal_and_a_vague_directive() -> None:
    module = _docs_reference()
    page = (
        "::: restflow.exceptions.Conflict\n\n"
        "::: restflow.exceptions.handler.logger\n\n"
        "::: restflow.typemap\n"
        "    options:\n"
        "      members: [Email]\n\n"
        "::: restflow.parsers\n"
    )
    rendered, problems = rendered_names(module.parse(page, "sample.md"))
    assert rendered == [
        "restflow.exceptions.Conflict",
        "restflow.exceptions.handler.logger",
        "restflow.typemap.Email",
    ]
    assert "restflow.exceptions.handler.logger" not in public_names()
    assert problems == [
        "sample.md:9: give `::: restflow.parsers` an explicit `members:` list (or `members: false`)"
    ]
