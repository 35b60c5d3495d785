"""The wheel inspector of scripts/wheels.py on synthetic wheel files."""

from __future__ import annotations

import zipfile
from pathlib import Path

from wheels import inspect_wheel

METADATA = "Metadata-Version: 2.4\nName: {name}\nVersion: {version}\n"


def make_wheel(tmp_path: Path, name: str, files: list[str], version: str = "0.1.0") -> Path:
    stem = name.replace("-", "_")
    path = tmp_path / f"{stem}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        for file in files:
            archive.writestr(file, "")
        info = f"{stem}-{version}.dist-info"
        archive.writestr(f"{info}/METADATA", METADATA.format(name=name, version=version))
        archive.writestr(f"{info}/WHEEL", "Wheel-Version: 1.0\n")
        archive.writestr(f"{info}/RECORD", "")
    return path


GOOD_FILTERS = [
    "restflow/filters/__init__.py",
    "restflow/filters/py.typed",
    "restflow/filters/fields.py",
]


def test_a_good_wheel_passes(tmp_path: Path) -> None:
    report = inspect_wheel(
        make_wheel(tmp_path, "restflow-filters", GOOD_FILTERS),
        "restflow-filters",
        ["filters"],
        version="0.1.0",
    )
    assert report.ok, report.problems
    assert report.subpackages == ["filters"]


def test_a_wheel_with_several_subpackages_passes(tmp_path: Path) -> None:
    files = [
        f"restflow/{sub}/{f}" for sub in ("core", "exceptions") for f in ("__init__.py", "py.typed")
    ]
    report = inspect_wheel(
        make_wheel(tmp_path, "restflow-core", files), "restflow-core", ["core", "exceptions"]
    )
    assert report.ok, report.problems


def test_restflow_init_fails(tmp_path: Path) -> None:
    wheel = make_wheel(tmp_path, "restflow-filters", [*GOOD_FILTERS, "restflow/__init__.py"])
    report = inspect_wheel(wheel, "restflow-filters", ["filters"])
    assert not report.ok
    assert any("restflow/__init__.py" in p and "namespace" in p for p in report.problems)


def test_a_stray_file_fails(tmp_path: Path) -> None:
    for stray in (
        "restflow/views/__init__.py",
        "conftest.py",
        "tests/test_x.py",
        "restflow/stray.py",
    ):
        wheel = make_wheel(tmp_path, "restflow-filters", [*GOOD_FILTERS, stray])
        report = inspect_wheel(wheel, "restflow-filters", ["filters"])
        assert [p for p in report.problems if stray in p], (stray, report.problems)


def test_a_sibling_prefix_is_not_mistaken_for_the_own_subpackage(tmp_path: Path) -> None:
    wheel = make_wheel(
        tmp_path, "restflow-filters", [*GOOD_FILTERS, "restflow/filters_extra/__init__.py"]
    )
    assert not inspect_wheel(wheel, "restflow-filters", ["filters"]).ok


def test_missing_py_typed_fails(tmp_path: Path) -> None:
    wheel = make_wheel(tmp_path, "restflow-filters", ["restflow/filters/__init__.py"])
    report = inspect_wheel(wheel, "restflow-filters", ["filters"])
    assert any("py.typed" in p for p in report.problems)


def test_a_missing_subpackage_fails(tmp_path: Path) -> None:
    wheel = make_wheel(
        tmp_path, "restflow-core", ["restflow/core/__init__.py", "restflow/core/py.typed"]
    )
    report = inspect_wheel(wheel, "restflow-core", ["core", "permissions"])
    assert any("restflow.permissions is missing" in p for p in report.problems)


def test_compiled_files_fail(tmp_path: Path) -> None:
    wheel = make_wheel(
        tmp_path,
        "restflow-filters",
        [*GOOD_FILTERS, "restflow/filters/__pycache__/x.cpython-311.pyc"],
    )
    assert not inspect_wheel(wheel, "restflow-filters", ["filters"]).ok


def test_wrong_version_fails(tmp_path: Path) -> None:
    wheel = make_wheel(tmp_path, "restflow-filters", GOOD_FILTERS, version="0.1.0")
    report = inspect_wheel(wheel, "restflow-filters", ["filters"], version="0.2.0")
    assert any("Version" in p for p in report.problems)


def test_meta_package_with_no_files_passes(tmp_path: Path) -> None:
    report = inspect_wheel(make_wheel(tmp_path, "restflow", []), "restflow", [], meta=True)
    assert report.ok, report.problems


def test_meta_package_shipping_restflow_files_fails(tmp_path: Path) -> None:
    wheel = make_wheel(tmp_path, "restflow", ["restflow/core/__init__.py"])
    report = inspect_wheel(wheel, "restflow", [], meta=True)
    assert any("meta-package ships a file" in p for p in report.problems)


def test_not_a_zip_fails(tmp_path: Path) -> None:
    path = tmp_path / "broken-0.1.0-py3-none-any.whl"
    path.write_text("not a zip")
    assert not inspect_wheel(path, "broken", ["x"]).ok


def test_the_repository_layout_has_no_problem() -> None:
    from _repo import load_distributions
    from wheels import check_layout

    assert check_layout(load_distributions()) == []
