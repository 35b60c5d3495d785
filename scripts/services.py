#!/usr/bin/env python3
"""Start, stop and inspect the Redis and PostgreSQL servers the tests use.

Both run as plain child processes on free 127.0.0.1 ports with their data in
a fresh temporary directory; nothing is installed as a system service.  The
PIDs, ports and directories go to ``<root>/.services/state.json`` and the
connection settings to ``<root>/.services.env`` (shell ``export`` lines).

    python scripts/services.py start [--only redis|postgres]
    python scripts/services.py status [--only …]
    python scripts/services.py env             # print the export lines again
    python scripts/services.py stop [--only …]

``start`` prints only the ``export`` lines on stdout (progress goes to
stderr), so ``eval "$(python scripts/services.py start)"`` works; or
``source .services.env`` afterwards.  Starting twice reuses what already
runs.  A missing server binary exits with code 2 and the install command.

Stdlib only: it runs before any virtualenv exists.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import glob
import json
import os
import pwd
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
SERVICES = ("redis", "postgres")
INSTALL_HINT = "apt-get install -y redis-server postgresql"
PG_USER = "restflow"
PG_DB = "restflow"
PG_OS_USER = "postgres"  # PostgreSQL refuses to run as root; used only when we are root.
EXIT_MISSING_BINARY = 2


class ServiceError(RuntimeError):
    """A service failed to start or stop; the message says why."""


class MissingBinary(ServiceError):
    """A server binary is not installed."""


def log(message: str) -> None:
    """Progress output: stderr, so stdout stays eval-able."""
    print(f"[services] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- locating binaries


def find_redis_server() -> str:
    """Path of ``redis-server`` (``$RESTFLOW_REDIS_SERVER``, PATH, then usual places)."""
    candidates = [os.environ.get("RESTFLOW_REDIS_SERVER", ""), shutil.which("redis-server") or ""]
    candidates += [
        "/usr/bin/redis-server",
        "/usr/local/bin/redis-server",
        "/usr/sbin/redis-server",
        "/opt/homebrew/bin/redis-server",
    ]
    for path in candidates:
        if path and os.access(path, os.X_OK):
            return path
    raise MissingBinary(
        f"redis-server not found (looked in PATH and /usr/bin, /usr/local/bin). "
        f"Install it: {INSTALL_HINT}"
    )


def _pg_version_of(bindir: str) -> tuple[int, ...]:
    name = Path(bindir).parent.name  # /usr/lib/postgresql/15/bin -> "15"
    try:
        return tuple(int(p) for p in name.split("."))
    except ValueError:
        return (0,)


def find_pg_bindir() -> str:
    """Directory with ``initdb`` and ``postgres``.

    Looks at ``$RESTFLOW_PG_BIN``, PATH, then /usr/lib/postgresql/*/bin (newest first).
    """
    dirs: list[str] = []
    if os.environ.get("RESTFLOW_PG_BIN"):
        dirs.append(os.environ["RESTFLOW_PG_BIN"])
    which = shutil.which("initdb")
    if which:
        dirs.append(str(Path(which).resolve().parent))
    dirs += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_pg_version_of, reverse=True)
    dirs += ["/usr/local/pgsql/bin", "/usr/local/bin", "/opt/homebrew/bin"]
    for d in dirs:
        if all(os.access(os.path.join(d, exe), os.X_OK) for exe in ("initdb", "postgres")):
            return d
    raise MissingBinary(
        "PostgreSQL server binaries (initdb, postgres) not found in PATH or "
        f"/usr/lib/postgresql/*/bin. Install them: {INSTALL_HINT}"
    )


# --------------------------------------------------------------------------- state


class State:
    """The JSON state file plus the ``.services.env`` it renders."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.dir = root / ".services"
        self.path = self.dir / "state.json"
        self.env_path = root / ".services.env"

    def load(self) -> dict[str, dict[str, Any]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log(f"ignoring unreadable state file {self.path}: {exc}")
            return {}
        return {k: v for k, v in data.items() if k in SERVICES and isinstance(v, dict)}

    def save(self, data: dict[str, dict[str, Any]]) -> None:
        self.dir.mkdir(exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        tmp.replace(self.path)
        lines = env_lines(data)
        if lines:
            self.env_path.write_text(
                "# written by scripts/services.py; source it\n" + "\n".join(lines) + "\n",
                encoding="utf-8",
            )
        else:
            self.env_path.unlink(missing_ok=True)
        if not data:
            self.path.unlink(missing_ok=True)

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Serialise concurrent ``start``/``stop`` calls on the same checkout."""
        self.dir.mkdir(exist_ok=True)
        with open(self.dir / "lock", "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)


def env_lines(data: dict[str, dict[str, Any]]) -> list[str]:
    """``export`` lines for the services recorded in ``data``."""
    lines: list[str] = []
    if "redis" in data:
        lines.append(f"export REDIS_URL=redis://127.0.0.1:{data['redis']['port']}/0")
    if "postgres" in data:
        pg = data["postgres"]
        lines += [
            f"export DATABASE_URL=postgres://{pg['user']}@127.0.0.1:{pg['port']}/{pg['database']}",
            "export RESTFLOW_PG_HOST=127.0.0.1",
            f"export RESTFLOW_PG_PORT={pg['port']}",
            f"export RESTFLOW_PG_USER={pg['user']}",
            f"export RESTFLOW_PG_NAME={pg['database']}",
        ]
    return lines


# --------------------------------------------------------------------------- processes


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def pid_alive(pid: int) -> bool:
    """Whether ``pid`` exists and is not a zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def pid_is(pid: int, needle: str) -> bool:
    """Whether ``pid`` is alive and its command line mentions ``needle`` (PID reuse guard)."""
    if not pid_alive(pid):
        return False
    try:
        cmdline = (
            Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        )
    except OSError:
        return True  # no /proc (not Linux): trust the PID
    return needle in cmdline


def wait_gone(pid: int, timeout: float) -> bool:
    """Wait up to ``timeout`` seconds for ``pid`` to exit."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # reap it if it happens to be our child
        if not pid_alive(pid):
            return True
        time.sleep(0.05)
    return not pid_alive(pid)


def terminate(pid: int, first: signal.Signals, timeout: float, group: bool = True) -> None:
    """Send ``first`` to ``pid``; after ``timeout`` s, SIGKILL it (and its process group)."""
    if not pid_alive(pid):
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, first)
    if wait_gone(pid, timeout):
        return
    log(f"pid {pid} ignored {first.name} for {timeout:.0f}s; sending SIGKILL")
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if group:
            os.killpg(pid, signal.SIGKILL)
        else:
            os.kill(pid, signal.SIGKILL)
    wait_gone(pid, 5)


def log_tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _os_user_kwargs() -> dict[str, Any]:
    """Popen arguments that drop root to the ``postgres`` OS user (nothing when not root)."""
    if os.geteuid() != 0:
        return {}
    try:
        pw = pwd.getpwnam(PG_OS_USER)
    except KeyError:
        raise ServiceError(
            f"running as root but there is no {PG_OS_USER!r} system user to run PostgreSQL as; "
            f"create one (it comes with: {INSTALL_HINT}) or run as a normal user"
        ) from None
    return {"user": pw.pw_uid, "group": pw.pw_gid, "extra_groups": []}


def _chown_for_pg(path: Path) -> None:
    if os.geteuid() == 0:
        pw = pwd.getpwnam(PG_OS_USER)
        os.chown(path, pw.pw_uid, pw.pw_gid)


# --------------------------------------------------------------------------- protocol probes


def redis_ping(port: int, timeout: float = 1.0) -> bool:
    """Whether a Redis server answers PING on 127.0.0.1:port."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def _pg_read(sock: socket.socket) -> tuple[bytes, bytes]:
    header = b""
    while len(header) < 5:
        chunk = sock.recv(5 - len(header))
        if not chunk:
            raise ConnectionError("server closed the connection")
        header += chunk
    kind, length = header[:1], struct.unpack("!I", header[1:])[0]
    body = b""
    while len(body) < length - 4:
        chunk = sock.recv(length - 4 - len(body))
        if not chunk:
            raise ConnectionError("server closed the connection")
        body += chunk
    return kind, body


def _pg_error_text(body: bytes) -> str:
    fields = {f[:1]: f[1:].decode(errors="replace") for f in body.split(b"\0") if f}
    return fields.get(b"M", "unknown error")


def pg_session(
    port: int, user: str, database: str, statements: tuple[str, ...] = (), timeout: float = 3.0
) -> None:
    """Connect over TCP with trust auth, run ``statements`` (simple query protocol), disconnect.

    Raises ``ConnectionError``/``OSError`` when the server does not accept the
    connection, and ``ServiceError`` when a statement fails.
    """
    params = b"".join(
        k.encode() + b"\0" + v.encode() + b"\0"
        for k, v in (
            ("user", user),
            ("database", database),
            ("application_name", "restflow-services"),
        )
    )
    payload = struct.pack("!I", 196608) + params + b"\0"
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(struct.pack("!I", len(payload) + 4) + payload)
        while True:  # authentication and start-up parameters, up to ReadyForQuery
            kind, body = _pg_read(sock)
            if kind == b"E":
                raise ConnectionError(_pg_error_text(body))
            if kind == b"R" and struct.unpack("!I", body[:4])[0] != 0:
                raise ServiceError(
                    "PostgreSQL asked for a password; expected trust authentication on loopback"
                )
            if kind == b"Z":
                break
        for sql in statements:
            query = sql.encode() + b"\0"
            sock.sendall(b"Q" + struct.pack("!I", len(query) + 4) + query)
            error = None
            while True:
                kind, body = _pg_read(sock)
                if kind == b"E":
                    error = _pg_error_text(body)
                if kind == b"Z":
                    break
            if error:
                raise ServiceError(f"{sql!r} failed: {error}")
        sock.sendall(b"X" + struct.pack("!I", 4))


def pg_ready(port: int, user: str = PG_USER, database: str = "postgres") -> bool:
    """Whether PostgreSQL on 127.0.0.1:port accepts a connection."""
    try:
        pg_session(port, user, database, timeout=1.0)
        return True
    except (OSError, ConnectionError, ServiceError):
        return False


# --------------------------------------------------------------------------- services


def is_running(name: str, info: dict[str, Any]) -> bool:
    """Whether the recorded process still runs (and is the right program)."""
    needle = "redis-server" if name == "redis" else "postgres"
    return bool(info.get("pid")) and pid_is(int(info["pid"]), needle)


def _wait_until(
    check: Any, proc: subprocess.Popen[bytes], what: str, logfile: Path, timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ServiceError(
                f"{what} exited with code {proc.returncode} while starting; log {logfile}:\n"
                f"{log_tail(logfile)}"
            )
        if check():
            return
        time.sleep(0.1)
    raise ServiceError(
        f"{what} did not accept connections within {timeout:.0f}s;"
        f" log {logfile}:\n{log_tail(logfile)}"
    )


def start_redis(timeout: float) -> dict[str, Any]:
    """Launch redis-server on a free loopback port with an in-temp-dir working directory."""
    binary = find_redis_server()
    tmp = Path(tempfile.mkdtemp(prefix="restflow-redis-"))
    logfile = tmp / "redis.log"
    for attempt in range(3):
        port = free_port()
        cmd = [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--protected-mode",
            "yes",
            "--dir",
            str(tmp),
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
            "--logfile",
            str(logfile),
            "--databases",
            "16",
        ]
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            cwd=tmp,
        )
        try:
            _wait_until(lambda port=port: redis_ping(port), proc, "redis-server", logfile, timeout)
        except ServiceError:
            terminate(proc.pid, signal.SIGTERM, 5)
            if attempt == 2 or "Address already in use" not in log_tail(logfile):
                shutil.rmtree(tmp, ignore_errors=True)
                raise
            continue  # lost a race for the port: try another
        return {
            "pid": proc.pid,
            "port": port,
            "dir": str(tmp),
            "binary": binary,
            "log": str(logfile),
        }
    raise AssertionError("unreachable")


def start_postgres(timeout: float) -> dict[str, Any]:
    """initdb a fresh cluster in a temp dir and run ``postgres`` on a free loopback port."""
    bindir = find_pg_bindir()
    user_kwargs = _os_user_kwargs()
    tmp = Path(tempfile.mkdtemp(prefix="restflow-pg-"))
    os.chmod(tmp, 0o755)  # the postgres OS user must be able to enter it
    data = tmp / "data"
    sockets = tmp / "sockets"
    for d in (data, sockets):
        d.mkdir(mode=0o700)
        _chown_for_pg(d)
    logfile = tmp / "postgres.log"
    logfile.touch()
    _chown_for_pg(logfile)
    try:
        with open(tmp / "initdb.log", "wb") as out:
            result = subprocess.run(
                [
                    os.path.join(bindir, "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    PG_USER,
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--no-locale",
                    "--no-sync",
                ],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=tmp,
                check=False,
                **user_kwargs,
            )
        if result.returncode != 0:
            raise ServiceError(
                f"initdb failed (code {result.returncode}):\n{log_tail(tmp / 'initdb.log')}"
            )
        for attempt in range(3):
            port = free_port()
            cmd = [
                os.path.join(bindir, "postgres"),
                "-D",
                str(data),
                "-p",
                str(port),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                f"unix_socket_directories={sockets}",
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "max_connections=200",
                "-c",
                "logging_collector=off",
            ]
            with open(logfile, "ab") as out:
                proc = subprocess.Popen(
                    cmd,
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                    cwd=tmp,
                    **user_kwargs,
                )
            try:
                _wait_until(lambda port=port: pg_ready(port), proc, "postgres", logfile, timeout)
            except ServiceError:
                terminate(proc.pid, signal.SIGINT, 10)
                if attempt == 2 or "already in use" not in log_tail(logfile):
                    raise
                continue
            try:
                pg_session(
                    port, PG_USER, "postgres", (f'CREATE DATABASE "{PG_DB}" OWNER "{PG_USER}"',)
                )
            except Exception:
                terminate(proc.pid, signal.SIGINT, 10)
                raise
            return {
                "pid": proc.pid,
                "port": port,
                "dir": str(tmp),
                "data": str(data),
                "bindir": bindir,
                "user": PG_USER,
                "database": PG_DB,
                "log": str(logfile),
            }
        raise AssertionError("unreachable")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def stop_service(name: str, info: dict[str, Any], timeout: float) -> None:
    """Stop the recorded process by PID and delete its temp directory."""
    pid = int(info.get("pid") or 0)
    if pid and is_running(name, info):
        if name == "postgres":
            # SIGINT is PostgreSQL's "fast" shutdown (what pg_ctl stop -m fast sends).
            terminate(pid, signal.SIGINT, timeout)
        else:
            terminate(pid, signal.SIGTERM, timeout)
        log(f"{name}: stopped pid {pid}")
    else:
        log(f"{name}: pid {pid} was not running")
    directory = info.get("dir")
    if directory and Path(directory).name.startswith(("restflow-redis-", "restflow-pg-")):
        shutil.rmtree(directory, ignore_errors=True)


# --------------------------------------------------------------------------- commands


def selected(only: str | None) -> tuple[str, ...]:
    return (only,) if only else SERVICES


def cmd_start(state: State, only: str | None, timeout: float) -> int:
    """Start what is not running yet; exit 2 if a binary is missing, 1 on another failure."""
    code = 0
    with state.locked():
        data = state.load()
        for name in selected(only):
            info = data.get(name)
            if info and is_running(name, info):
                log(f"{name}: already running (pid {info['pid']}, port {info['port']})")
                continue
            if info:
                log(
                    f"{name}: recorded pid {info.get('pid')} is gone;"
                    " cleaning up and starting a new one"
                )
                stop_service(name, info, timeout)
                data.pop(name)
                state.save(data)
            try:
                data[name] = start_redis(timeout) if name == "redis" else start_postgres(timeout)
            except MissingBinary as exc:
                print(f"error: {exc}", file=sys.stderr)
                code = EXIT_MISSING_BINARY
                continue
            except ServiceError as exc:
                print(f"error: {name}: {exc}", file=sys.stderr)
                code = code or 1
                continue
            state.save(data)
            log(
                f"{name}: started pid {data[name]['pid']} on 127.0.0.1:{data[name]['port']} "
                f"(data in {data[name]['dir']})"
            )
        state.save(data)
        if data:
            log(f"wrote {state.env_path} (source it, or eval this command's output)")
            print("\n".join(env_lines(data)))
    return code


def cmd_stop(state: State, only: str | None, timeout: float) -> int:
    with state.locked():
        data = state.load()
        for name in selected(only):
            if name in data:
                stop_service(name, data.pop(name), timeout)
                state.save(data)
            else:
                log(f"{name}: not started by this script")
        state.save(data)
    return 0


def cmd_status(state: State, only: str | None) -> int:
    data = state.load()
    code = 0
    for name in selected(only):
        info = data.get(name)
        if not info:
            print(f"{name:<9} stopped")
            code = 1
            continue
        running = is_running(name, info)
        port = int(info["port"])
        answers = (
            redis_ping(port) if name == "redis" else pg_ready(port, info["user"], info["database"])
        )
        status = (
            "running"
            if running and answers
            else ("not answering" if running else "dead (stale state)")
        )
        if status != "running":
            code = 1
        print(f"{name:<9} {status:<19} pid={info['pid']} port={port} dir={info['dir']}")
    return code


def cmd_env(state: State, only: str | None) -> int:
    data = {k: v for k, v in state.load().items() if k in selected(only) and is_running(k, v)}
    if not data:
        print(
            "error: no service is running; run: python scripts/services.py start", file=sys.stderr
        )
        return 1
    print("\n".join(env_lines(data)))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=("start", "stop", "status", "env"))
    parser.add_argument("--only", choices=SERVICES, help="act on one service only")
    parser.add_argument(
        "--root",
        type=Path,
        default=REPO_ROOT,
        help="repository root holding .services/ and .services.env (default: %(default)s)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        help="seconds to wait for start-up / graceful shutdown (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    state = State(args.root.resolve())
    if args.command == "start":
        return cmd_start(state, args.only, args.timeout)
    if args.command == "stop":
        return cmd_stop(state, args.only, args.timeout)
    if args.command == "status":
        return cmd_status(state, args.only)
    return cmd_env(state, args.only)


if __name__ == "__main__":
    sys.exit(main())
