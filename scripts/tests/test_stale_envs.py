"""scripts/_steps.py: a hatch environment built from other package sources is built anew.

hatch keeps a workspace member installed as it was when the member's version changed
since, so its metadata would name the old version; the check that CI runs on a machine
whose hatch environments outlive a checkout caught exactly that.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from _steps import Step, hatch_env, run_step, sources_fingerprint
from synthetic import released_package

HATCH_TOML = """\
[envs.demo]
skip-install = true
workspace.members = ["packages/restflow-demo"]
"""
SHOW_VERSION = "import importlib.metadata as m; print('installed', m.version('restflow-demo'))"


def _project(root: Path) -> Path:
    root.mkdir(exist_ok=True)
    (root / "hatch.toml").write_text(HATCH_TOML)
    (root / "pyproject.toml").write_text('[project]\nname = "demo-workspace"\nversion = "0"\n')
    released_package(root, "restflow-demo", "demo", "0.1.0", {})
    return root


def _set_version(root: Path, version: str) -> None:
    about = root / "packages/restflow-demo/src/restflow/demo/__about__.py"
    about.write_text(f'__version__ = "{version}"\n')


def _installed(root: Path) -> str:
    step = Step("demo", "package", ["hatch", "run", "demo:python", "-c", SHOW_VERSION])
    out = io.StringIO()
    run_step(step, out, root, {})
    assert step.result == "ok", out.getvalue()
    return out.getvalue()


@pytest.mark.skipif(shutil.which("hatch") is None, reason="needs hatch (pip install hatch)")
def test_a_bumped_workspace_member_is_installed_anew(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HATCH_DATA_DIR", str(tmp_path / "hatch-data"))
    monkeypatch.delenv("HATCH_ENV_ACTIVE", raising=False)
    root = _project(tmp_path / "project")
    output = _installed(root)
    assert "installed 0.1.0" in output and "built anew" not in output

    _set_version(root, "0.1.1")  # hatch alone would keep 0.1.0's metadata installed
    output = _installed(root)
    assert "demo: built from other package sources: removed, to be built anew" in output
    assert "installed 0.1.1" in output

    output = _installed(root)  # the same sources: the environment is kept
    assert "installed 0.1.1" in output and "built anew" not in output


def test_the_fingerprint_follows_the_packages_versions_and_metadata(tmp_path: Path) -> None:
    root = _project(tmp_path)
    first = sources_fingerprint(root)
    _set_version(root, "0.1.1")
    second = sources_fingerprint(root)
    pyproject = root / "packages/restflow-demo/pyproject.toml"
    pyproject.write_text(pyproject.read_text() + 'dependencies = ["django"]\n')
    third = sources_fingerprint(root)
    assert len({first, second, third}) == 3
    (root / "packages/restflow-demo/src/restflow/demo/views.py").write_text("x = 1\n")
    assert sources_fingerprint(root) == third  # code is installed editable: no rebuild


@pytest.mark.parametrize(
    ("command", "env"),
    [
        (["hatch", "run", "core.py3.11-django5.2:test"], "core.py3.11-django5.2"),
        (["hatch", "run", "example:python", "x.py"], "example"),
        (["python", "scripts/pins.py", "check"], None),
        (["hatch", "build"], None),
    ],
)
def test_the_hatch_environment_of_a_step(command: list[str], env: str | None) -> None:
    assert hatch_env(Step("s", "check", command)) == env
