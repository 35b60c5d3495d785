"""restflow-core stands alone: it imports no other restflow distribution."""

from __future__ import annotations

import ast
from pathlib import Path

import restflow.core

OWN = {"core", "asynccache", "exceptions", "parsers", "permissions", "settings", "typemap"}
SRC = Path(restflow.core.__file__).resolve().parent.parent


def _restflow_imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "restflow" and len(parts) > 1:
                found.add(parts[1])
    return found


def test_core_sources_import_only_core_subpackages() -> None:
    files = [p for sub in OWN for p in (SRC / sub).rglob("*.py")]
    assert len(files) > 10
    foreign = {str(p.relative_to(SRC)): _restflow_imports(p) - OWN for p in files}
    assert {name: subs for name, subs in foreign.items() if subs} == {}
