"""Re-run a bench script under ``.bench-venv``'s interpreter when started with another one."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

VENV_PYTHON = Path(__file__).resolve().parent.parent.parent / ".bench-venv" / "bin" / "python"


def ensure_bench_python(script: str, *needed: str) -> None:
    """Exec ``script`` under the bench venv unless every module in ``needed`` is importable.

    Modules are looked up with ``find_spec`` only (DRF's modules read settings
    when imported). Outside the venv with no venv built, exit with how to build it.
    """
    try:
        missing = [name for name in needed if importlib.util.find_spec(name) is None]
    except ModuleNotFoundError:  # the parent package of a dotted name is missing
        missing = [name.split(".")[0] for name in needed]
    if not missing:
        return
    if VENV_PYTHON.exists() and Path(sys.prefix).resolve() != VENV_PYTHON.parent.parent.resolve():
        os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), script, *sys.argv[1:]])
    sys.exit(
        f"The bench environment lacks {', '.join(sorted(set(missing)))}: "
        "run `bash scripts/bench/setup.sh` first."
    )
