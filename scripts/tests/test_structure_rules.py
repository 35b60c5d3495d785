"""scripts/structure.py's other rules (private names, sizes, fast paths) and its command
line, on synthetic repositories (each rule can fail)."""

from __future__ import annotations

from pathlib import Path

import pytest
import structure
from synthetic import check, load, make_distribution, messages, things

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
