"""One rule for "this run is CI": there, a missing promised service or module fails.

``CI`` or ``RESTFLOW_STRICT`` set to ``1``, ``true`` or ``yes`` (any case) makes the run
strict. Elsewhere a test that needs something absent skips, saying how to get it.
"""

from __future__ import annotations

import importlib.util
import os
from typing import NoReturn

import pytest

__all__ = ["need_modules", "skip_or_fail", "strict"]

_TRUE = ("1", "true", "yes")


def strict() -> bool:
    """Whether a missing service or module is a failure (CI) rather than a skip."""
    return any(
        os.environ.get(name, "").strip().lower() in _TRUE for name in ("CI", "RESTFLOW_STRICT")
    )


def skip_or_fail(reason: str, *, module: bool = False) -> NoReturn:
    """Skip the test (the module, with ``module=True``) for ``reason``; fail in a strict run."""
    if strict():
        pytest.fail(f"{reason} (a strict run, CI=true: a failure, not a skip)", pytrace=False)
    pytest.skip(reason, allow_module_level=module)


def need_modules(*names: str, install: str) -> None:
    """At a test module's top: skip the module unless every module of ``names`` imports."""
    missing = [name for name in names if importlib.util.find_spec(name) is None]
    if missing:
        skip_or_fail(f"needs {', '.join(missing)}: {install}", module=True)
