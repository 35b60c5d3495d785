"""Make the scripts in ``scripts/`` and the helpers beside the tests importable from them."""

from __future__ import annotations

import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent
for directory in (TESTS.parent, TESTS):
    if str(directory) not in sys.path:
        sys.path.insert(0, str(directory))
