"""What the repository scripts' command lines share (stdlib only: services.py and
test-all.py run before any virtualenv exists)."""

from __future__ import annotations

import argparse
import socket
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent


def parser(doc: str | None, root: str = "repository root") -> argparse.ArgumentParser:
    """A parser whose help is the script's docstring as written, with ``--root`` (unless
    ``root`` is empty; else ``root`` is its help)."""
    made = argparse.ArgumentParser(
        description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    if root:
        made.add_argument(
            "--root", type=Path, default=REPO_ROOT, help=f"{root} (default: %(default)s)"
        )
    return made


def run(cmd: Sequence[str], **options: Any) -> subprocess.CompletedProcess[str]:
    """Run ``cmd`` to completion, no input, its output captured as text; never raises on
    its exit code."""
    return subprocess.run(
        cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False, **options
    )


def print_columns(rows: Sequence[Sequence[str]]) -> None:
    """Print ``rows`` (the first one is the header) as aligned columns."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for index, row in enumerate(rows):
        print("  ".join(cell.ljust(widths[j]) for j, cell in enumerate(row)).rstrip())
        if index == 0:
            print("  ".join("-" * width for width in widths))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
