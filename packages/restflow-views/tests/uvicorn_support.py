"""Serve an ASGI app with uvicorn in a subprocess: the server in its own process, as deployed."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from testsupport.processes import free_port, listening, running, with_support


@contextmanager
def uvicorn_subprocess(
    launch: str, args: Sequence[str], log: Path, env: Mapping[str, str] | None = None
) -> Iterator[str]:
    """Run ``python -c launch *args <port>``; yield its base URL once it accepts connections.

    ``launch`` starts uvicorn on the port given as its last argument; its output
    goes to ``log``. The server is stopped on exit.
    """
    port = free_port()
    argv = [sys.executable, "-c", launch, *args, str(port)]
    environ = with_support({**os.environ, **(env or {})})
    with running("uvicorn", argv, log=log, ready=listening(port), env=environ, timeout=20):
        yield f"http://127.0.0.1:{port}"
