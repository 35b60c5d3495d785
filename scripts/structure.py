#!/usr/bin/env python3
"""Check the structure rules of the packages' source (issue 18); print what breaks them.

    python scripts/structure.py                 # every rule; exit 1 when one is broken
    python scripts/structure.py --rule cycles   # one or more rules only

Rules, over every distribution in ``packages/*/`` (its import packages are the
``only-include`` entries of its pyproject's wheel target):

``cycles``            no import circle among a distribution's modules at module level
                      (imports under ``if TYPE_CHECKING:`` and in function bodies
                      do not count);
``function-imports``  no import inside a function body unless the imported top-level
                      module is an optional dependency of the distribution (not
                      required by its pyproject, directly or through the restflow
                      distributions it requires, and not the standard library);
``private-names``     no access to another library's ``_private`` name (``obj._name``,
                      ``getattr(obj, "_name")``, ``from lib import _name``) outside
                      ``_fastpaths.py`` modules; fine: anything on ``self``/``cls``/
                      ``super()``, Django's documented ``_meta``, ``_default_manager``,
                      ``_base_manager``, ``_state``, ``sys._getframe``, and restflow's
                      own ``_names`` -- unless a library restflow builds on uses the
                      same name (their installed sources are read): then it is
                      reported as ambiguous;
``sizes``             no module over 500 lines; ``restflow.core`` at most 1,200 lines
                      of code (non-blank lines that are not only a comment);
``fast-paths``        each ``_fastpaths.py`` sits directly in an import package, reads
                      ``RESTFLOW_FAST_PATHS`` and is named by a test of its
                      distribution.

scripts/tests/test_structure.py runs the same functions (``hatch run scripts:test``;
``hatch run scripts:structure`` runs this script where the libraries are installed).
Python 3.11+ with networkx (the scripts hatch environment has it).
"""

from __future__ import annotations

import ast
import itertools
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass

import _cli
from _pysource import (
    Source,
    class_and_module_statements,
    code_lines,
    digraph,
    is_private,
    library_names,
    load,
    own_object,
    private_accesses,
    shortest_path,
    tangles,
    walk,
)
from _repo import NAMESPACE, requirement_closure

__all__ = ["RULES", "Finding", "Source", "code_lines", "library_names", "load", "main"]

MAX_MODULE_LINES = 500
MAX_CORE_CODE_LINES = 1200
CORE_PACKAGE = "restflow.core"
FAST_PATHS_MODULE = "_fastpaths"
FAST_PATHS_SWITCH = "RESTFLOW_FAST_PATHS"

# Import names of the third-party distributions restflow requires (when they differ
# from the distribution name with "-" read as "_"). restflow's own distributions
# map to the ``restflow.<sub>`` packages their pyproject ships.
IMPORT_NAMES: dict[str, tuple[str, ...]] = {
    "djangorestframework": ("rest_framework",),
    "pyjwt": ("jwt",),
}

# Imports inside a function body that the `function-imports` rule accepts although
# they import a required module: {(file relative to the repository, function, module):
# reason}. Each entry needs a reason a reviewer can check (for instance a genuine
# cycle with Django's or DRF's settings loading); an entry no import matches any more
# is reported too.
FUNCTION_IMPORT_EXCEPTIONS: dict[tuple[str, str, str], str] = {
    (
        "packages/restflow-views/src/restflow/test/factory.py",
        "force_authenticate",
        "rest_framework.test",
    ): "rest_framework.test reads DRF's settings while it loads (APIRequestFactory's class "
    "attributes), and this module loads with restflow's pytest plugin, which pytest imports "
    "before any settings exist (restflow-views' test_testkit_plugin_import.py)",
}


# Underscore attributes other libraries document for use, and DRF's one view-to-permission
# protocol flag: views (DRF's API root and schema views, users' own) set
# `_ignore_model_permissions` to opt out of DjangoModelPermissions, and restflow's
# DjangoModelPermissions must honour it exactly as DRF's does.
DOCUMENTED_PRIVATE = frozenset(
    {"_meta", "_default_manager", "_base_manager", "_state", "_ignore_model_permissions"}
)
DOCUMENTED_PRIVATE_OF = {"sys": frozenset({"_getframe"})}


@dataclass(frozen=True)
class Finding:
    """One place that breaks a rule."""

    rule: str
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}" if self.line else self.message


# --------------------------------------------------------------------------- cycles


def import_graph(source: Source, distribution: str) -> dict[str, dict[str, int]]:
    """Module-level imports among one distribution's modules: {module: {imported: line}}."""
    names = {m.name for m in source.of(distribution)}
    graph: dict[str, dict[str, int]] = {name: {} for name in names}
    for module in source.of(distribution):
        for imp in module.imports:
            if imp.function or imp.type_checking or imp.target not in names:
                continue
            graph[module.name].setdefault(imp.target, imp.line)
    return graph


def import_cycles(source: Source) -> list[Finding]:
    """One finding per circle: a shortest circle through each module of each tangle."""
    findings = []
    for dist in source.distributions:
        lines = import_graph(source, dist)
        graph = digraph(lines)
        for component in tangles(graph):
            seen: set[tuple[str, ...]] = set()
            for start in component:
                cycle = shortest_path(graph, start, start)
                rotation = cycle.index(min(cycle[:-1]))
                key = tuple(cycle[rotation:-1] + cycle[:rotation])
                if key in seen:
                    continue
                seen.add(key)
                ordered = [*key, key[0]]
                steps = ", ".join(
                    f"{source.modules[a].rel}:{lines[a][b]} imports {b}"
                    for a, b in itertools.pairwise(ordered)
                )
                findings.append(
                    Finding(
                        "cycles",
                        source.modules[key[0]].rel,
                        0,
                        f"{dist}: import circle {' -> '.join(ordered)} ({steps}); "
                        "break one edge: move the shared part to a module both import, "
                        "or take the import out of module level by passing the object in",
                    )
                )
    return findings


# --------------------------------------------------------------------------- function imports


def required_modules(source: Source, distribution: str) -> set[str]:
    """Top-level import names a distribution may rely on (own and required packages)."""
    required: set[str] = set()
    for name in requirement_closure(distribution, source.distributions):
        dist = source.distributions.get(name)
        if dist is None:
            continue
        required.update(f"{NAMESPACE}.{sub}" for sub in dist.subpackages)
        for req in dist.dependencies:
            if req.marker or req.name.startswith(NAMESPACE):
                continue
            required.update(IMPORT_NAMES.get(req.name, (req.name.replace("-", "_"),)))
    return required


def top_level(target: str) -> str:
    """``restflow.caching`` for restflow modules, else the first dotted part."""
    parts = target.split(".")
    return ".".join(parts[:2]) if parts[0] == NAMESPACE else parts[0]


def function_imports(
    source: Source, exceptions: dict[tuple[str, str, str], str] = FUNCTION_IMPORT_EXCEPTIONS
) -> list[Finding]:
    """Imports in function bodies of modules that are not optional dependencies."""
    findings = []
    used: set[tuple[str, str, str]] = set()
    for dist in source.distributions:
        required = required_modules(source, dist)
        graph = digraph(import_graph(source, dist))
        for module in source.of(dist):
            seen: set[tuple[int, str]] = set()
            for imp in module.imports:
                if not imp.function or imp.type_checking or (imp.line, imp.target) in seen:
                    continue
                seen.add((imp.line, imp.target))
                top = top_level(imp.target)
                if top in sys.stdlib_module_names:
                    why = "the standard library"
                elif top in required:
                    why = f"required by {dist}"
                else:
                    continue  # an optional dependency: the import guards it
                key = (module.rel, imp.function, imp.target)
                if key in exceptions:
                    used.add(key)
                    continue
                fix = "import it at module level"
                if imp.function == "__getattr__":
                    fix = (
                        "lazy exports: map the name in _LAZY, load it with importlib.import_module"
                    )
                back = shortest_path(graph, imp.target, module.name) if imp.target in graph else []
                if back:
                    fix = (
                        f"it hides the import circle {' -> '.join([module.name, *back])}: cut "
                        "the circle (move what both need into a module of its own), then "
                        "import it at module level"
                    )
                findings.append(
                    Finding(
                        "function-imports",
                        module.rel,
                        imp.line,
                        f"`{imp.code}` inside {imp.function}(): {top} is {why}, not an "
                        f"optional dependency: {fix}",
                    )
                )
    files = {module.rel for module in source.modules.values()}
    in_repository = source.root.resolve() == _cli.REPO_ROOT.resolve()
    for key in sorted(set(exceptions) - used):
        if key[0] not in files and not in_repository:
            continue  # an entry about this repository, while another tree is checked
        findings.append(
            Finding(
                "function-imports",
                key[0],
                0,
                f"stale entry in FUNCTION_IMPORT_EXCEPTIONS (scripts/structure.py): {key!r} "
                "matches no import inside a function any more: remove it",
            )
        )
    return findings


# --------------------------------------------------------------------------- private names


def restflow_names(source: Source) -> tuple[set[str], set[str]]:
    """The ``_names`` restflow defines itself: (defined, only written on other objects).

    Defined: functions, methods and classes; names bound at module level or in a
    class body; attributes assigned through ``self``/``cls``; restflow's module
    names. Only written: ``obj._name = …`` or ``setattr(obj, "_name", …)`` on any
    other object (restflow's own marker, unless a library uses the name).
    """
    defined: set[str] = set()
    written: set[str] = set()
    for module in source.modules.values():
        defined.update(module.name.split("."))
        for node, _function, _tc in walk(module.tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                defined.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                (defined if own_object(node.value) else written).add(node.attr)
        for _line, _value, name, code in private_accesses(module.tree):
            if code.startswith("setattr("):
                written.add(name)
        for node in class_and_module_statements(module.tree):
            if isinstance(node, ast.Assign):
                targets = node.targets
            elif isinstance(node, ast.AnnAssign | ast.AugAssign):
                targets = [node.target]
            else:
                targets = []
            for target in targets:
                defined.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
    return {n for n in defined if is_private(n)}, {n for n in written if is_private(n)}


def private_names(source: Source) -> list[Finding]:
    """Accesses to another library's ``_name`` outside ``_fastpaths.py`` modules.

    A name restflow defines is its own, unless one of the libraries it builds on
    uses the same name: then ``obj._name`` cannot be told apart from the library's
    and is reported too (reach restflow's through ``self``/``cls`` or rename it).
    """
    defined, written = restflow_names(source)
    theirs = source.libraries[0]
    findings = []
    for module in source.modules.values():
        if module.name.rpartition(".")[2] == FAST_PATHS_MODULE:
            continue
        for line, value, name, code in private_accesses(module.tree):
            if name in DOCUMENTED_PRIVATE or (value is not None and own_object(value)):
                continue
            if isinstance(value, ast.Name) and name in DOCUMENTED_PRIVATE_OF.get(value.id, ()):
                continue
            users = ", ".join(sorted(theirs.get(name, ())))
            if not users and name in defined | written:
                continue
            if users and name in defined:
                why = (
                    f"{name} is restflow's and also a private name of {users}: if this is "
                    "restflow's, rename restflow's so it cannot be mistaken for theirs; if theirs, "
                )
            else:
                why = f"{name} is a private name of {users or 'another library'}: "
            fix = f"use the public API, or move it into the package's {FAST_PATHS_MODULE}.py"
            findings.append(
                Finding(
                    "private-names",
                    module.rel,
                    line,
                    f"{code}: {why}{fix} with a public fall-back (issue 18)",
                )
            )
    return findings


# --------------------------------------------------------------------------- sizes


def core_code_lines(source: Source) -> int:
    """Lines of code in ``restflow.core`` (the package and its submodules)."""
    return sum(
        code_lines(m.text)
        for m in source.modules.values()
        if m.name == CORE_PACKAGE or m.name.startswith(CORE_PACKAGE + ".")
    )


def sizes(source: Source) -> list[Finding]:
    """Modules over the line limit, and restflow.core over its code budget."""
    findings = []
    for module in source.modules.values():
        count = len(module.text.splitlines())
        if count > MAX_MODULE_LINES:
            findings.append(
                Finding(
                    "sizes",
                    module.rel,
                    0,
                    f"{module.rel}: {count} lines, over {MAX_MODULE_LINES}: split it by concern",
                )
            )
    core = core_code_lines(source)
    if any(m.name == CORE_PACKAGE for m in source.modules.values()) and (
        core > MAX_CORE_CODE_LINES
    ):
        findings.append(
            Finding(
                "sizes",
                "",
                0,
                f"{CORE_PACKAGE}: {core} lines of code, over {MAX_CORE_CODE_LINES}: keep only "
                "the fall-back helper and the dispatch loop there (issue 18 item 2)",
            )
        )
    return findings


# --------------------------------------------------------------------------- fast paths


def fast_paths(source: Source) -> list[Finding]:
    """Each ``_fastpaths.py``: at an import package's top, reads the switch, has a test."""
    findings: list[Finding] = []
    for module in source.modules.values():
        package, _, last = module.name.rpartition(".")
        if last != FAST_PATHS_MODULE:
            continue
        problems = []
        if package.count(".") != 1:
            problems.append(f"sits in {package}, not directly in a restflow.<package>")
        if FAST_PATHS_SWITCH not in module.text:
            problems.append(f"does not read {FAST_PATHS_SWITCH}")
        mention = re.compile(
            rf"{re.escape(module.name)}\b|from\s+{re.escape(package)}\s+import\s[^\n]*\b"
            rf"{FAST_PATHS_MODULE}\b"
        )
        tests = source.distributions[module.distribution].directory / "tests"
        if not any(mention.search(p.read_text(encoding="utf-8")) for p in tests.rglob("*.py")):
            problems.append(
                f"no test under {tests.relative_to(source.root).as_posix()}/ names "
                f"{module.name} (each fast path needs a test comparing it with the public path)"
            )
        findings.extend(
            Finding("fast-paths", module.rel, 0, f"{module.rel}: {p}") for p in problems
        )
    return findings


RULES: dict[str, Callable[[Source], list[Finding]]] = {
    "cycles": import_cycles,
    "function-imports": function_imports,
    "private-names": private_names,
    "sizes": sizes,
    "fast-paths": fast_paths,
}


def report(rule: str, findings: list[Finding]) -> str:
    """The findings of one rule as the text people read (the test prints it on failure)."""
    lines = [f"{rule}: {len(findings) or 'no'} finding{'' if len(findings) == 1 else 's'}"]
    lines += [f"  {finding}" for finding in findings]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = _cli.parser(__doc__)
    parser.add_argument("--rule", nargs="+", choices=list(RULES), help="check these rules only")
    args = parser.parse_args(argv)
    source = load(args.root.resolve())
    broken = 0
    for rule in args.rule or list(RULES):
        findings = RULES[rule](source)
        broken += len(findings)
        print(report(rule, findings))
    missing = source.libraries[1]
    if missing and (args.rule is None or "private-names" in args.rule):
        print(
            f"note: {', '.join(missing)} not installed for this Python: their private names "
            "cannot be told apart from restflow's (hatch run scripts:structure has them)"
        )
    if any(m.name == CORE_PACKAGE for m in source.modules.values()):
        print(
            f"{CORE_PACKAGE}: {core_code_lines(source)} lines of code (limit {MAX_CORE_CODE_LINES})"
        )
    print(f"{broken} finding{'' if broken == 1 else 's'}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
