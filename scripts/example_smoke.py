#!/usr/bin/env python3
"""Serve the example project with uvicorn on a free loopback port and exercise it.

    python scripts/example_smoke.py [--python /path/to/venv/bin/python]

The interpreter given (default: this one) must have restflow-core, Django,
DRF and uvicorn installed.  The example runs against a throw-away SQLite file
(``RESTFLOW_EXAMPLE_DB``), so ``docs/example/db.sqlite3`` is not touched.
Checks: ``migrate`` seeds demo notes; ``GET /api/hello/``; ``GET`` and
``POST /api/notes/``; the notes list filtered by a FilterSet; bad input is a
400 in restflow's error envelope; an unsupported method is a 405 in the
envelope.  The server is stopped by PID.
Exits non-zero on the first failure.  Stdlib only.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = REPO_ROOT / "docs" / "example"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def request(
    base: str, method: str, path: str, body: Any = None, raw: bytes | None = None
) -> tuple[int, Any]:
    """Send one request; return (status, decoded JSON body or text)."""
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(
        base + path,
        data=data,
        method=method,
        headers={"Content-Type": "application/json", "Accept": "application/json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            status, payload = resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        status, payload = exc.code, exc.read()
    try:
        return status, json.loads(payload)
    except ValueError:
        return status, payload.decode(errors="replace")[:500]


def expect(condition: bool, what: str, got: Any) -> None:
    if not condition:
        raise AssertionError(f"{what}; got: {got!r}")
    print(f"ok    {what}")


def envelope(body: Any) -> bool:
    return (
        isinstance(body, dict)
        and isinstance(body.get("error"), dict)
        and {"code", "message", "details"} <= set(body["error"])
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--python", default=sys.executable, help="interpreter with restflow-core and uvicorn"
    )
    parser.add_argument(
        "--timeout", type=float, default=30.0, help="seconds to wait for the server"
    )
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="restflow-example-"))
    env = dict(
        os.environ,
        RESTFLOW_EXAMPLE_DB=str(tmp / "smoke.sqlite3"),
        DJANGO_DEBUG="0",
        DJANGO_SETTINGS_MODULE="example.settings",
    )
    env.pop("PYTHONPATH", None)
    migrate = subprocess.run(
        [args.python, str(EXAMPLE / "manage.py"), "migrate", "--noinput"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if migrate.returncode != 0:
        print(migrate.stdout + migrate.stderr)
        print("FAIL  manage.py migrate")
        return 1
    print("ok    manage.py migrate")

    port = free_port()
    log = open(tmp / "uvicorn.log", "w+")  # noqa: SIM115  (open while the server runs; closed below)
    server = subprocess.Popen(
        [
            args.python,
            "-m",
            "uvicorn",
            "--app-dir",
            str(EXAMPLE),
            "example.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--lifespan",
            "off",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + args.timeout
        while True:
            if server.poll() is not None:
                raise AssertionError(f"uvicorn exited with code {server.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError(
                        f"uvicorn did not listen on {base} within {args.timeout:.0f}s"
                    ) from None
                time.sleep(0.1)
        print(f"ok    uvicorn serves {base}")

        status, body = request(base, "GET", "/api/hello/")
        expect(
            status == 200 and body == {"message": "hello", "user": None},
            "GET /api/hello/ -> 200 hello",
            body,
        )

        status, body = request(base, "GET", "/api/notes/")
        expect(
            status == 200 and body.get("count", 0) >= 2,
            "GET /api/notes/ -> 200 with the seeded notes",
            body,
        )
        seeded = body["count"]

        status, body = request(
            base, "POST", "/api/notes/", {"title": "smoke", "body": "from example_smoke.py"}
        )
        expect(
            status == 201 and body.get("title") == "smoke" and isinstance(body.get("id"), int),
            "POST /api/notes/ -> 201 created",
            body,
        )

        status, body = request(base, "GET", "/api/notes/")
        expect(
            status == 200
            and body["count"] == seeded + 1
            and body["results"][-1]["title"] == "smoke",
            "GET /api/notes/ lists the new note",
            body,
        )

        status, body = request(base, "GET", "/api/notes/?title__icontains=SMOK&order_by=-id")
        expect(
            status == 200 and [row["title"] for row in body["results"]] == ["smoke"],
            "GET /api/notes/?title__icontains=SMOK -> only the new note (restflow-filters)",
            body,
        )

        status, body = request(base, "GET", "/api/notes/?title!=smoke&id__in=1,x")
        expect(
            status == 400
            and envelope(body)
            and body["error"]["details"] == {"id__in": ["Item 2: A valid integer is required."]},
            "GET /api/notes/?id__in=1,x -> 400, one entry for the bad parameter",
            body,
        )

        status, body = request(base, "POST", "/api/notes/", {"body": "no title"})
        expect(
            status == 400 and envelope(body) and "title" in json.dumps(body["error"]["details"]),
            "POST without a title -> 400 in the error envelope",
            body,
        )

        status, body = request(base, "POST", "/api/notes/", raw=b"{not json")
        expect(
            status == 400 and envelope(body),
            "POST malformed JSON -> 400 in the error envelope",
            body,
        )

        status, body = request(base, "DELETE", "/api/notes/")
        expect(
            status == 405 and envelope(body),
            "DELETE /api/notes/ -> 405 in the error envelope",
            body,
        )
    except AssertionError as exc:
        log.seek(0)
        print(f"FAIL  {exc}\n--- uvicorn log ---\n{log.read()[-4000:]}")
        return 1
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
        for leftover in tmp.iterdir():
            leftover.unlink()
        tmp.rmdir()
    print("example smoke test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
