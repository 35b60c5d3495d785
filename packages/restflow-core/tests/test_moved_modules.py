"""Names that moved out of ``restflow.core`` keep working at their old import paths."""

from __future__ import annotations

import importlib
import warnings

import pytest

MOVED = [
    ("restflow.core.settings", "restflow.settings"),
    ("restflow.core.checks", "restflow.settings.checks"),
    ("restflow.core.typemap", "restflow.typemap"),
]


@pytest.mark.parametrize(("old", "new"), MOVED, ids=[old for old, _ in MOVED])
def test_the_old_module_exports_the_same_objects_without_a_warning(old: str, new: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        alias = importlib.import_module(old)
    target = importlib.import_module(new)
    assert alias.__all__ == target.__all__
    for name in target.__all__:
        assert getattr(alias, name) is getattr(target, name), name
