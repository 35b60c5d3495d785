"""The packages' Python source, parsed once, for scripts/structure.py.

Modules of each distribution (its wheel's ``only-include`` packages) with their
imports resolved to module names, graph helpers (on networkx), and the private names of the
libraries restflow builds on, read from their installed sources.
"""

from __future__ import annotations

import ast
import importlib.util
import io
import re
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import networkx as nx
from _cli import REPO_ROOT
from _repo import NAMESPACE, Distribution, load_distributions

# Libraries whose private names restflow must not touch outside fast paths; their
# installed sources are read (never imported) to tell their ``_names`` from restflow's.
LIBRARIES = (
    "django",
    "rest_framework",
    "asgiref",
    "redis",
    "django_redis",
    "jwt",
    "drf_spectacular",
    "rest_framework_simplejwt",
)


@dataclass(frozen=True)
class Import:
    """One imported module (resolved to an absolute name) and where it happens."""

    target: str
    line: int
    code: str  # the import statement
    function: str  # qualified name of the enclosing function; "" at module level
    type_checking: bool


@dataclass(repr=False)
class Module:
    """One ``.py`` file of a distribution's import packages, parsed."""

    name: str
    path: Path
    rel: str
    distribution: str
    is_package: bool
    text: str
    tree: ast.Module
    imports: list[Import] = field(default_factory=list)

    def __repr__(self) -> str:
        return f"<Module {self.name}>"


@dataclass(repr=False)
class Source:
    """Every distribution's modules, parsed once."""

    root: Path
    distributions: dict[str, Distribution]
    modules: dict[str, Module]

    def __repr__(self) -> str:
        return f"<Source {self.root}: {len(self.modules)} modules>"

    def of(self, distribution: str) -> list[Module]:
        return [m for m in self.modules.values() if m.distribution == distribution]

    @cached_property
    def libraries(self) -> tuple[dict[str, set[str]], list[str]]:
        """The ``LIBRARIES``' private names ({name: libraries}) and those not installed."""
        return library_names()


# --------------------------------------------------------------------------- loading


def module_name(src: Path, path: Path) -> tuple[str, bool]:
    parts = list(path.relative_to(src).with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    if is_package:
        parts.pop()
    return ".".join(parts), is_package


def load(root: Path = REPO_ROOT) -> Source:
    """Parse every module of every distribution under ``root/packages``."""
    dists = load_distributions(root)
    modules: dict[str, Module] = {}
    for dist in dists.values():
        src = dist.directory / "src"
        for sub in dist.subpackages:
            for path in sorted((src / NAMESPACE / sub).rglob("*.py")):
                name, is_package = module_name(src, path)
                text = path.read_text(encoding="utf-8")
                modules[name] = Module(
                    name=name,
                    path=path,
                    rel=path.relative_to(root).as_posix(),
                    distribution=dist.name,
                    is_package=is_package,
                    text=text,
                    tree=ast.parse(text, filename=str(path)),
                )
    source = Source(root=root, distributions=dists, modules=modules)
    for module in modules.values():
        module.imports = list(imports_of(module, set(modules)))
    return source


def is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def walk(
    node: ast.AST, function: str = "", scope: str = "", type_checking: bool = False
) -> Iterator[tuple[ast.AST, str, bool]]:
    """Yield every node with its enclosing function's qualified name and TYPE_CHECKING flag."""
    for child in ast.iter_child_nodes(node):
        child_function, child_scope = function, scope
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            name = getattr(child, "name", "<lambda>")
            child_scope = f"{scope}.{name}" if scope else name
            child_function = child_scope
        elif isinstance(child, ast.ClassDef):
            child_scope = f"{scope}.{child.name}" if scope else child.name
        yield child, function, type_checking
        if isinstance(child, ast.If) and is_type_checking(child.test):
            for inner in child.body:
                yield inner, function, True
                yield from walk(inner, function, scope, True)
            for inner in child.orelse:
                yield inner, function, type_checking
                yield from walk(inner, function, scope, type_checking)
        else:
            yield from walk(child, child_function, child_scope, type_checking)


def imports_of(module: Module, known: set[str]) -> Iterator[Import]:
    package = module.name if module.is_package else module.name.rpartition(".")[0]
    for node, function, type_checking in walk(module.tree):
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        code = ast.unparse(node)
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(alias.name, node.lineno, code, function, type_checking)
        else:
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                origin = f"{base}.{node.module}" if node.module else base
            else:
                origin = node.module or ""
            for alias in node.names:
                candidate = f"{origin}.{alias.name}"
                target = candidate if candidate in known else origin
                yield Import(target, node.lineno, code, function, type_checking)


# --------------------------------------------------------------------------- graphs


def digraph(edges: dict[str, dict[str, int]]) -> nx.DiGraph:
    """The graph of ``{node: {successor: anything}}``."""
    return nx.DiGraph({node: list(successors) for node, successors in edges.items()})


def tangles(graph: nx.DiGraph) -> list[list[str]]:
    """Strongly connected components of more than one node or with a self-edge, sorted."""
    components = [sorted(c) for c in nx.strongly_connected_components(graph)]
    return sorted(c for c in components if len(c) > 1 or graph.has_edge(c[0], c[0]))


def shortest_path(graph: nx.DiGraph, start: str, goal: str) -> list[str]:
    """The shortest path start -> … -> goal of at least one edge, or []."""
    paths = [
        nx.shortest_path(graph, child, goal)
        for child in sorted(graph.successors(start))
        if nx.has_path(graph, child, goal)
    ]
    return [start, *min(paths, key=len)] if paths else []


# --------------------------------------------------------------------------- names


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def own_object(value: ast.expr) -> bool:
    """``self``, ``cls`` or ``super()``: the attribute is looked up on restflow's own object."""
    if isinstance(value, ast.Name):
        return value.id in ("self", "cls")
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Name)
        and value.func.id == "super"
    )


def class_and_module_statements(tree: ast.Module) -> Iterator[ast.stmt]:
    """Statements at module level and in class bodies (through if/try/with blocks)."""
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        node = pending.pop()
        yield node
        if isinstance(node, ast.ClassDef):
            pending.extend(node.body)
        elif isinstance(node, ast.If | ast.Try | ast.With):
            for block in ("body", "orelse", "finalbody"):
                pending.extend(getattr(node, block, []))
            for handler in getattr(node, "handlers", []):
                pending.extend(handler.body)


_LIBRARY_PRIVATE = re.compile(
    r"\.(_[A-Za-z0-9]\w*)|^[ \t]*(?:async[ \t]+def[ \t]+|def[ \t]+|class[ \t]+)?"
    r"(_[A-Za-z0-9]\w*)[ \t]*[:=(]",
    re.M,
)


def library_names(libraries: tuple[str, ...] = LIBRARIES) -> tuple[dict[str, set[str]], list[str]]:
    """``_names`` the installed ``libraries`` use as attributes or define: {name: libraries}.

    Read from their source files (nothing is imported); also returns the libraries
    that are not installed here.
    """
    found: dict[str, set[str]] = {}
    missing = []
    for library in libraries:
        try:
            spec = importlib.util.find_spec(library)
        except (ImportError, ValueError):
            spec = None
        if spec is None or not spec.origin:
            missing.append(library)
            continue
        locations = spec.submodule_search_locations
        files = (
            [p for location in locations for p in Path(location).rglob("*.py")]
            if locations
            else [Path(spec.origin)]
        )
        for path in files:
            text = path.read_text(encoding="utf-8", errors="replace")
            for dotted, defined in _LIBRARY_PRIVATE.findall(text):
                found.setdefault(dotted or defined, set()).add(library)
    return found, missing


def private_accesses(tree: ast.Module) -> Iterator[tuple[int, ast.expr | None, str, str]]:
    """(line, object, name, code) for each ``obj._name``, ``getattr(obj, "_name")`` and
    ``from library import _name``."""
    for node, _function, _tc in walk(tree):
        if isinstance(node, ast.Attribute) and is_private(node.attr):
            yield node.lineno, node.value, node.attr, ast.unparse(node)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("getattr", "setattr", "hasattr", "delattr")
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
            and is_private(node.args[1].value)
        ):
            yield node.lineno, node.args[0], node.args[1].value, ast.unparse(node)
        elif isinstance(node, ast.ImportFrom) and _foreign(node):
            for alias in node.names:
                if is_private(alias.name):
                    yield node.lineno, None, alias.name, f"from {node.module} import {alias.name}"


def _foreign(node: ast.ImportFrom) -> bool:
    """An absolute import from outside restflow."""
    return not node.level and (node.module or NAMESPACE).split(".")[0] != NAMESPACE


def code_lines(text: str) -> int:
    """Non-blank lines that are not only a comment (docstrings count)."""
    code: set[int] = set()
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT}
    skip |= {tokenize.ENCODING, tokenize.ENDMARKER}
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type not in skip:
            code.update(range(token.start[0], token.end[0] + 1))
    lines = text.splitlines()
    return sum(1 for number in code if number <= len(lines) and lines[number - 1].strip())
