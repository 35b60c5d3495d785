"""scripts/structure.py's import rules (cycles, function imports) on synthetic repositories."""

from __future__ import annotations

from pathlib import Path

import pytest
import structure
from synthetic import check, load, make_distribution, messages, things

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
