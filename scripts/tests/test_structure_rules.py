"""scripts/structure.py's rules on small synthetic repositories (each rule can fail)."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
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


# --------------------------------------------------------------------------- cycles


IN_ORDER = {
    "things/a.py": "from restflow.things.b import B\n",
    "things/b.py": "import os\n\nfrom restflow.things import c\n",
    "things/c.py": "from . import a\n",
}


def test_a_module_level_circle_names_its_distribution_and_each_import_line(tmp_path: Path) -> None:
    [found] = check(structure.import_cycles, tmp_path, IN_ORDER)
    assert found.startswith("restflow-things: import circle restflow.things.a -> ")
    assert "src/restflow/things/b.py:3 imports restflow.things.c" in found
    assert "src/restflow/things/c.py:1 imports restflow.things.a" in found


@pytest.mark.parametrize(
    ("files", "circles"),
    [
        pytest.param(
            IN_ORDER,
            ["restflow.things.a -> restflow.things.b -> restflow.things.c -> restflow.things.a"],
            id="a circle is listed in order",
        ),
        pytest.param(
            {
                "things/hub.py": "from restflow.things import left, right\n",
                "things/left.py": "from restflow.things import hub\n",
                "things/right.py": "from restflow.things.hub import X\n",
            },
            [
                "restflow.things.hub -> restflow.things.left -> restflow.things.hub",
                "restflow.things.hub -> restflow.things.right -> restflow.things.hub",
            ],
            id="each module of a tangle gets a shortest circle",
        ),
        pytest.param(
            {
                "things/__init__.py": "from restflow.things.a import A\nX = 1\n",
                "things/a.py": "from restflow.things import X\n",
            },
            ["restflow.things -> restflow.things.a -> restflow.things"],
            id="a package importing its own name from a submodule is a circle",
        ),
        pytest.param(
            {
                "things/a.py": "from restflow.things import b\n",
                "things/b.py": """\
                    import typing
                    from typing import TYPE_CHECKING

                    if TYPE_CHECKING:
                        from restflow.things.a import A
                    if typing.TYPE_CHECKING:
                        from restflow.things import a


                    def late():
                        from restflow.things import a
                    """,
            },
            [],
            id="type-checking and function imports do not make a circle",
        ),
        pytest.param(
            {
                "things/a.py": "from restflow.things import b\n",
                "things/b.py": """\
                    from typing import TYPE_CHECKING

                    if TYPE_CHECKING:
                        pass
                    else:
                        from restflow.things import a
                    """,
                "things/c.py": "class C:\n    from restflow.things import d\n",
                "things/d.py": "from restflow.things import c\n",
            },
            [
                "restflow.things.a -> restflow.things.b -> restflow.things.a",
                "restflow.things.c -> restflow.things.d -> restflow.things.c",
            ],
            id="an import in a class body or an else branch counts",
        ),
    ],
)
def test_import_circles(tmp_path: Path, files: dict[str, str], circles: list[str]) -> None:
    found = check(structure.import_cycles, tmp_path, files)
    listed = [finding.partition("import circle ")[2].partition(" (")[0] for finding in found]
    assert sorted(listed) == circles


def test_relative_imports_resolve_from_a_package_and_from_a_module(tmp_path: Path) -> None:
    things(
        tmp_path,
        {
            "things/__init__.py": "from . import a\n",
            "things/a.py": "from .sub.deep import D\nfrom .sub import deep, E\n",
            "things/sub/__init__.py": "from ..a import A\nfrom .. import b\n",
            "things/sub/deep.py": "",
            "things/b.py": "",
        },
    )
    graph = structure.import_graph(load(tmp_path), "restflow-things")
    assert graph["restflow.things"] == {"restflow.things.a": 1}
    assert graph["restflow.things.a"] == {"restflow.things.sub.deep": 1, "restflow.things.sub": 2}
    assert graph["restflow.things.sub"] == {"restflow.things.a": 1, "restflow.things.b": 2}


# --------------------------------------------------------------------------- function imports


def test_function_imports_of_required_or_standard_modules_fail(tmp_path: Path) -> None:
    found = check(
        structure.function_imports,
        tmp_path,
        {
            "things/a.py": """\
                class Thing:
                    def ready(self):
                        from django.conf import settings
                        import json
                        from restflow.things import b
                        from . import b
                """,
            "things/b.py": "",
        },
    )
    rel = "packages/restflow-things/src/restflow/things/a.py"
    required = "restflow.things is required by restflow-things, not an optional dependency"
    assert found == [
        f"{rel}:3: `from django.conf import settings` inside Thing.ready(): django is required "
        "by restflow-things, not an optional dependency: import it at module level",
        f"{rel}:4: `import json` inside Thing.ready(): json is the standard library, not an "
        "optional dependency: import it at module level",
        f"{rel}:5: `from restflow.things import b` inside Thing.ready(): {required}: import it "
        "at module level",
        f"{rel}:6: `from . import b` inside Thing.ready(): {required}: import it at module level",
    ]


def test_function_imports_of_optional_dependencies_pass(tmp_path: Path) -> None:
    make_distribution(tmp_path, "restflow-core", {"core/__init__.py": ""})
    make_distribution(tmp_path, "restflow-other", {"other/__init__.py": ""})
    found = check(
        structure.function_imports,
        tmp_path,
        {
            "things/__init__.py": """\
            def client():
                import redis
                from restflow.other import thing
                return redis, thing
            """,
        },
        dependencies=("restflow-core>=0.1",),
    )
    assert found == []


def test_requirements_count_through_required_restflow_distributions(tmp_path: Path) -> None:
    make_distribution(
        tmp_path,
        "restflow-core",
        {"core/__init__.py": "", "exceptions/__init__.py": ""},
        dependencies=("Django>=5.2", "djangorestframework>=3.16"),
    )
    found = check(
        structure.function_imports,
        tmp_path,
        {
            "things/__init__.py": """\
                def late():
                    from rest_framework import views
                    from restflow.exceptions import handler
                """,
        },
        dependencies=("restflow-core>=0.1",),
    )
    assert len(found) == 2
    assert ": rest_framework is required by restflow-things" in found[0]
    assert ": restflow.exceptions is required by restflow-things" in found[1]


def test_a_function_import_that_hides_a_circle_says_so(tmp_path: Path) -> None:
    [found] = check(
        structure.function_imports,
        tmp_path,
        {
            "things/a.py": "from restflow.things import b\n",
            "things/b.py": "def late():\n    from restflow.things import a\n",
        },
    )
    assert "it hides the import circle restflow.things.b -> restflow.things.a -> " in found
    assert found.partition("circle ")[2].startswith(
        "restflow.things.b -> restflow.things.a -> restflow.things.b: cut the circle"
    )


def test_a_lazy_export_points_at_the_lazy_map(tmp_path: Path) -> None:
    [found] = check(
        structure.function_imports,
        tmp_path,
        {
            "things/__init__.py": """\
                def __getattr__(name):
                    from restflow.things.heavy import Heavy
                    return Heavy
                """,
            "things/heavy.py": "",
        },
    )
    assert "inside __getattr__()" in found and "map the name in _LAZY" in found


def test_an_allowed_function_import_needs_an_entry_and_a_stale_entry_fails(tmp_path: Path) -> None:
    things(
        tmp_path,
        {"things/__init__.py": "def ready():\n    from rest_framework import views\n"},
        dependencies=("djangorestframework>=3.16",),
    )
    rel = "packages/restflow-things/src/restflow/things/__init__.py"
    entry = (rel, "ready", "rest_framework")
    source = load(tmp_path)
    assert structure.function_imports(source, {entry: "DRF's settings cycle"}) == []
    stale = (rel, "gone", "rest_framework")
    found = messages(structure.function_imports(source, {entry: "r", stale: "r"}))
    assert len(found) == 1 and "stale entry" in found[0] and "'gone'" in found[0]


# --------------------------------------------------------------------------- private names


PRIVATE_USES = """\
import sys
from django.http import request as _request_module
from asgiref.sync import _private_helper  # flagged

_LOCAL = 1


class Mine:
    _registry = {}

    def __init__(self):
        self._box = []

    def run(self, request, response, other):
        request._request                         # flagged: DRF's
        response.headers._store                  # flagged: restflow defines _store too: ambiguous
        getattr(request, "_authenticator", None) # flagged: through getattr
        other._box                               # restflow's own attribute
        other._registry, Mine._registry          # restflow's class attribute
        other._helper()                          # restflow's function
        self._anything, super()._x               # own object
        other._meta, other._default_manager      # documented by Django
        sys._getframe(1)                         # documented
        other._getframe                          # flagged: only sys._getframe is documented
        _request_module._LOCAL                   # restflow's module-level name
        restflow_module._things_private          # a restflow module name


def _helper():
    return 0


def _store():
    return 0
"""


def test_foreign_private_names_fail_and_restflow_names_pass(tmp_path: Path) -> None:
    things(
        tmp_path,
        {"things/_things_private.py": "", "things/a.py": PRIVATE_USES},
    )
    libraries = {"_request": {"django", "rest_framework"}, "_store": {"django"}}
    found = messages(structure.private_names(load(tmp_path, libraries)))
    lines = [int(f.split(":")[1]) for f in found]
    flagged = [n for n, line in enumerate(PRIVATE_USES.splitlines(), 1) if "# flagged" in line]
    assert len(flagged) == 5
    assert lines == flagged, found
    assert (
        "from asgiref.sync import _private_helper: _private_helper is a private name of "
        in (found[0])
    )
    assert (
        "request._request: _request is a private name of django, rest_framework: use " in (found[1])
    )
    assert (
        "response.headers._store: _store is restflow's and also a private name of django"
        in (found[2])
    )
    assert (
        "getattr(request, '_authenticator', None): _authenticator is a private name of "
        in (found[3])
    )
    assert all("_fastpaths.py with a public fall-back" in f for f in found)


def test_writing_a_library_private_name_does_not_make_it_restflow_s(tmp_path: Path) -> None:
    code = """\
        def force(request, user, connection):
            request._force_auth_user = user
            setattr(connection, "_restflow_batch", [])
            return getattr(connection, "_restflow_batch")
        """
    things(tmp_path, {"things/__init__.py": code})
    found = messages(
        structure.private_names(load(tmp_path, {"_force_auth_user": {"rest_framework"}}))
    )
    assert len(found) == 1
    assert (
        "request._force_auth_user: _force_auth_user is a private name of rest_framework"
        in (found[0])
    )


def test_fast_path_modules_may_use_private_names(tmp_path: Path) -> None:
    things(
        tmp_path,
        {"things/_fastpaths.py": "def f(r):\n    return r._request\n"},
    )
    assert structure.private_names(load(tmp_path, {"_request": {"django"}})) == []


def test_library_private_names_are_read_from_their_sources(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = tmp_path / "site" / "somelib"
    library.mkdir(parents=True)
    (library / "__init__.py").write_text(
        "class Thing:\n    _slot = 1\n\n    def _method(self):\n        self._value = other._peek\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    names, missing = structure.library_names(("somelib", "no_such_library_here"))
    assert {"_slot", "_method", "_value", "_peek"} <= set(names)
    assert names["_peek"] == {"somelib"}
    assert missing == ["no_such_library_here"]


# --------------------------------------------------------------------------- sizes


def test_code_lines_count_docstrings_and_skip_blanks_and_comments() -> None:
    text = '''\
"""A docstring.

# not a comment: inside the string
"""

# a comment
x = 1  # trailing comment

    # indented comment
def f():
    return x
'''
    assert structure.code_lines(text) == 6


def test_a_module_over_500_lines_and_a_large_core_fail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_distribution(
        tmp_path,
        "restflow-core",
        {
            "core/__init__.py": "x = 1\n" * 500,
            "core/big.py": "x = 1\n" * 501,
        },
    )
    monkeypatch.setattr(structure, "MAX_CORE_CODE_LINES", 1000)
    found = messages(structure.sizes(load(tmp_path)))
    assert found == [
        "packages/restflow-core/src/restflow/core/big.py: 501 lines, over 500: split it by concern",
        "restflow.core: 1001 lines of code, over 1000: keep only the fall-back helper and the "
        "dispatch loop there (issue 18 item 2)",
    ]


# --------------------------------------------------------------------------- fast paths


def test_a_fast_path_module_reads_the_switch_and_has_a_test(tmp_path: Path) -> None:
    found = check(
        structure.fast_paths,
        tmp_path,
        {
            "things/_fastpaths.py": 'import os\nON = os.environ.get("RESTFLOW_FAST_PATHS") != "0"\n',
            "other/__init__.py": "",
            "other/_fastpaths.py": 'ON = "RESTFLOW_FAST_PATHS"\n',
        },
        tests={
            "test_things.py": "from restflow.things import _fastpaths\n",
            "test_other.py": "import restflow.other._fastpaths\n",
        },
    )
    assert found == []


def test_fast_path_modules_without_switch_test_or_place_fail(tmp_path: Path) -> None:
    found = check(
        structure.fast_paths,
        tmp_path,
        {"things/deep/__init__.py": "", "things/deep/_fastpaths.py": ""},
        tests={"test_things.py": "from restflow.things import fastpaths_elsewhere\n"},
    )
    rel = "packages/restflow-things/src/restflow/things/deep/_fastpaths.py"
    assert found == [
        f"{rel}: sits in restflow.things.deep, not directly in a restflow.<package>",
        f"{rel}: does not read RESTFLOW_FAST_PATHS",
        f"{rel}: no test under packages/restflow-things/tests/ names "
        "restflow.things.deep._fastpaths (each fast path needs a test comparing it with the "
        "public path)",
    ]


# --------------------------------------------------------------------------- command line


def test_the_command_prints_each_rule_and_exits_1_on_a_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_distribution(
        tmp_path,
        "restflow-core",
        {"core/__init__.py": "from restflow.core import a\n", "core/a.py": "import json\n"},
    )
    assert structure.main(["--root", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    for rule in structure.RULES:
        assert f"{rule}: no findings" in out
    assert "restflow.core: 2 lines of code (limit 1200)" in out

    (tmp_path / "packages/restflow-core/src/restflow/core/a.py").write_text(
        "def f():\n    import json\n", encoding="utf-8"
    )
    assert structure.main(["--root", str(tmp_path), "--rule", "function-imports"]) == 1
    out = capsys.readouterr().out
    assert "function-imports: 1 finding\n  packages/restflow-core/src/restflow/core/a.py:2: " in out
    assert "cycles" not in out
