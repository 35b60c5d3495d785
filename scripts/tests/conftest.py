"""Make the scripts in ``scripts/`` and the helpers beside the tests importable from them.

``scripts/bench/`` comes last: its helpers (``_http``) and the top level of its
scripts import nothing outside the standard library.
"""

from __future__ import annotations

import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent
for directory in (TESTS.parent, TESTS):
    if str(directory) not in sys.path:
        sys.path.insert(0, str(directory))
if str(TESTS.parent / "bench") not in sys.path:
    sys.path.append(str(TESTS.parent / "bench"))
