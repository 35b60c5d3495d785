"""The packages' source keeps the structure rules of issue 18 (scripts/structure.py).

Each test prints the same findings as ``python scripts/structure.py --rule <rule>``:
the file and line to change, and how.
"""

from __future__ import annotations

import pytest
import structure
from structure import Source


@pytest.fixture(scope="module")
def source() -> Source:
    return structure.load()


def check(source: Source, rule: str) -> None:
    findings = structure.RULES[rule](source)
    if findings:
        pytest.fail(structure.report(rule, findings), pytrace=False)


def test_no_distribution_has_an_import_circle(source: Source) -> None:
    check(source, "cycles")


def test_no_import_inside_a_function_unless_it_guards_an_optional_dependency(
    source: Source,
) -> None:
    check(source, "function-imports")


def test_every_allowed_function_import_gives_a_reason() -> None:
    for key, reason in structure.FUNCTION_IMPORT_EXCEPTIONS.items():
        assert len(reason.split()) >= 3, f"{key}: say why this import must stay in the function"


def test_the_libraries_restflow_builds_on_are_read_for_their_private_names(source: Source) -> None:
    missing = source.libraries[1]
    assert not missing, f"install {missing} in the `scripts` hatch environment"


def test_no_other_library_private_name_outside_fast_path_modules(source: Source) -> None:
    check(source, "private-names")


def test_modules_stay_small_and_restflow_core_tiny(source: Source) -> None:
    print(f"restflow.core: {structure.core_code_lines(source)} lines of code")
    check(source, "sizes")


def test_each_fast_path_module_has_its_switch_and_its_test(source: Source) -> None:
    check(source, "fast-paths")
