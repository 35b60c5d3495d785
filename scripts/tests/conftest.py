"""Make the stdlib-only scripts in ``scripts/`` importable from their tests.

``scripts/bench/`` comes after it: its helpers (``_http``) and the top level of its
scripts import nothing outside the standard library either.
"""

from __future__ import annotations

import sys
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent.parent
if str(SCRIPTS) not in sys.path:
    sys.path.insert(0, str(SCRIPTS))
if str(SCRIPTS / "bench") not in sys.path:
    sys.path.append(str(SCRIPTS / "bench"))
