#!/usr/bin/env python3
"""Start, stop and inspect the Redis and PostgreSQL servers the tests use.

Both run on free 127.0.0.1 ports with their data in a fresh temporary
directory; nothing is installed as a system service.  The servers are driven
by their own tools: ``redis-server`` and ``redis-cli`` (``ping``,
``shutdown``); ``initdb``, ``pg_ctl`` (start, wait, status, stop),
``pg_isready`` and ``createdb``.  The ports and directories go to
``<root>/.services/state.json`` and the connection settings to
``<root>/.services.env`` (shell ``export`` lines).

    python scripts/services.py start [--only redis|postgres]
    python scripts/services.py status [--only …]
    python scripts/services.py env             # print the export lines again
    python scripts/services.py stop [--only …]

``start`` prints only the ``export`` lines on stdout (progress goes to
stderr), so ``eval "$(python scripts/services.py start)"`` works; or
``source .services.env`` afterwards.  Starting twice reuses what already
runs.  A missing server binary exits with code 2 and the install command.
``RESTFLOW_REDIS_BIN`` and ``RESTFLOW_PG_BIN`` name the tools' directories
when they are not found on PATH or in the usual places.

Stdlib only: it runs before any virtualenv exists.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import json
import os
import pwd
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import _cli

SERVICES = ("redis", "postgres")
INSTALL_HINT = "apt-get install -y redis-server postgresql"
REDIS_TOOLS = ("redis-server", "redis-cli")
PG_TOOLS = ("initdb", "pg_ctl", "postgres", "pg_isready", "createdb")
PG_USER = "restflow"
PG_DB = "restflow"
PG_OS_USER = "postgres"  # PostgreSQL refuses to run as root; used only when we are root.
EXIT_MISSING_BINARY = 2
PORT_ATTEMPTS = 3  # a free port can be taken by another process before the server binds it
MAX_SLOTS = 16  # slots of steps run at once (env_vars): one per Redis database, 16 by default


class ServiceError(RuntimeError):
    """A service failed to start or stop; the message says why."""


class MissingBinary(ServiceError):
    """A server binary is not installed."""


def log(message: str) -> None:
    """Progress output: stderr, so stdout stays eval-able."""
    print(f"[services] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- locating the tools


def _find_bindir(tools: tuple[str, ...], override: str, versioned: str) -> str:
    """The first directory holding every one of ``tools``.

    Looks at ``$<override>``, the directory of ``tools[0]`` on PATH, the
    ``versioned`` glob (newest version first), then the usual places.
    """
    dirs = [os.environ.get(override, "")]
    found = shutil.which(tools[0])
    if found:
        dirs.append(str(Path(found).resolve().parent))
    by_version = sorted(glob.glob(versioned), key=_version_of, reverse=True) if versioned else []
    dirs += [*by_version, "/usr/bin", "/usr/local/bin", "/usr/local/pgsql/bin", "/opt/homebrew/bin"]
    for directory in filter(None, dirs):
        if all(os.access(os.path.join(directory, tool), os.X_OK) for tool in tools):
            return directory
    raise MissingBinary(
        f"{', '.join(tools)} not found (looked in ${override}, PATH, {versioned or '/usr/bin'}"
        f" and /usr/local/bin). Install them: {INSTALL_HINT}"
    )


def _version_of(bindir: str) -> tuple[int, ...]:
    name = Path(bindir).parent.name  # /usr/lib/postgresql/15/bin -> "15"
    try:
        return tuple(int(part) for part in name.split("."))
    except ValueError:
        return (0,)


def find_redis_bindir() -> str:
    """Directory with ``redis-server`` and ``redis-cli``."""
    return _find_bindir(REDIS_TOOLS, "RESTFLOW_REDIS_BIN", "")


def find_pg_bindir() -> str:
    """Directory with ``initdb``, ``pg_ctl``, ``postgres``, ``pg_isready`` and ``createdb``."""
    return _find_bindir(PG_TOOLS, "RESTFLOW_PG_BIN", "/usr/lib/postgresql/*/bin")


# --------------------------------------------------------------------------- state


class State:
    """The JSON state file plus the ``.services.env`` it renders."""

    def __init__(self, root: Path) -> None:
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
        if not data:
            self.path.unlink(missing_ok=True)
            self.env_path.unlink(missing_ok=True)
            return
        self.dir.mkdir(exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        tmp.replace(self.path)
        lines = "\n".join(env_lines(data))
        header = "# written by scripts/services.py; source it\n"
        self.env_path.write_text(f"{header}{lines}\n", encoding="utf-8")

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Serialise concurrent ``start``/``stop`` calls on the same checkout."""
        self.dir.mkdir(exist_ok=True)
        with open(self.dir / "lock", "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            yield


def env_vars(data: dict[str, dict[str, Any]], slot: int = 0) -> dict[str, str]:
    """Settings of the services in ``data`` for ``slot``: Redis database ``slot``, ``restflow_<slot>``."""
    found: dict[str, str] = {}
    if "redis" in data:
        found["REDIS_URL"] = f"redis://127.0.0.1:{data['redis']['port']}/{slot}"
    if "postgres" in data:
        pg = data["postgres"]
        name = f"{pg['database']}_{slot}" if slot else pg["database"]
        found["DATABASE_URL"] = f"postgres://{pg['user']}@127.0.0.1:{pg['port']}/{name}"
        found |= {"RESTFLOW_PG_HOST": "127.0.0.1", "RESTFLOW_PG_PORT": str(pg["port"])}
        found |= {"RESTFLOW_PG_USER": pg["user"], "RESTFLOW_PG_NAME": name}
    return found


def env_lines(data: dict[str, dict[str, Any]]) -> list[str]:
    """``export`` lines for the services recorded in ``data``."""
    return [f"export {name}={value}" for name, value in env_vars(data).items()]


# --------------------------------------------------------------------------- running the tools


def log_tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def on_free_port(launch: Callable[[int], dict[str, Any]], logfile: Path) -> dict[str, Any]:
    """``launch(port)`` on a free port; on another one when a process took it meanwhile."""
    for attempt in range(PORT_ATTEMPTS):
        try:
            return launch(_cli.free_port())
        except ServiceError:
            if attempt == PORT_ATTEMPTS - 1 or "already in use" not in log_tail(logfile):
                raise
    raise AssertionError("unreachable")


def _as_pg_user() -> dict[str, Any]:
    """subprocess arguments that drop root to the ``postgres`` OS user (nothing when not root)."""
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


def _owned_by_pg(path: Path) -> Path:
    if os.geteuid() == 0:
        pw = pwd.getpwnam(PG_OS_USER)
        os.chown(path, pw.pw_uid, pw.pw_gid)
    return path


# --------------------------------------------------------------------------- Redis


def redis_cli(bindir: str, port: int, *command: str) -> subprocess.CompletedProcess[str]:
    return _cli.run(
        [os.path.join(bindir, "redis-cli"), "-h", "127.0.0.1", "-p", str(port), *command]
    )


def redis_ping(port: int, bindir: str | None = None) -> bool:
    """Whether a Redis server answers PING on 127.0.0.1:port."""
    answer = redis_cli(bindir or find_redis_bindir(), port, "ping")
    return answer.returncode == 0 and answer.stdout.strip() == "PONG"


def start_redis(timeout: float) -> dict[str, Any]:
    """Launch redis-server on a free loopback port, its working directory a temp dir."""
    bindir = find_redis_bindir()
    tmp = Path(tempfile.mkdtemp(prefix="restflow-redis-"))
    logfile = tmp / "redis.log"

    def launch(port: int) -> dict[str, Any]:
        options = {"port": port, "bind": "127.0.0.1", "dir": tmp, "logfile": logfile}
        options |= {"save": "", "appendonly": "no", "daemonize": "no", "protected-mode": "yes"}
        cmd = [os.path.join(bindir, "redis-server")]
        cmd += [arg for key, value in options.items() for arg in (f"--{key}", str(value))]
        server = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, start_new_session=True
        )
        deadline = time.monotonic() + timeout
        while not redis_ping(port, bindir):
            code = server.poll()
            if code is not None or time.monotonic() > deadline:
                server.kill()
                server.wait()
                why = f"exited with code {code}" if code is not None else "did not answer PING"
                raise ServiceError(f"redis-server {why}; log {logfile}:\n{log_tail(logfile)}")
            time.sleep(0.05)
        return {"pid": server.pid, "port": port, "dir": str(tmp), "bindir": bindir}

    try:
        return on_free_port(launch, logfile)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def redis_running(info: dict[str, Any]) -> bool:
    """Whether the recorded Redis answers on its port and is the recorded process."""
    answer = redis_cli(info["bindir"], int(info["port"]), "info", "server")
    return answer.returncode == 0 and f"process_id:{info['pid']}" in answer.stdout.split()


def stop_redis(info: dict[str, Any]) -> None:
    redis_cli(info["bindir"], int(info["port"]), "shutdown", "nosave")


# --------------------------------------------------------------------------- PostgreSQL


def pg_ready(port: int, user: str = PG_USER, database: str = "postgres") -> bool:
    """Whether PostgreSQL on 127.0.0.1:port accepts connections (``pg_isready``)."""
    cmd = ["pg_isready", "-q", "-h", "127.0.0.1", "-p", str(port), "-U", user, "-d", database]
    return _cli.run([os.path.join(find_pg_bindir(), cmd[0]), *cmd[1:]]).returncode == 0


def pg_ctl(info: dict[str, Any], *args: str) -> subprocess.CompletedProcess[str]:
    """``pg_ctl <args> -D <data>``, as the ``postgres`` OS user when we are root."""
    command = [os.path.join(info["bindir"], "pg_ctl"), *args, "-D", info["data"]]
    return _cli.run(command, cwd=info["dir"], **_as_pg_user())


def start_postgres(timeout: float) -> dict[str, Any]:
    """``initdb`` a fresh cluster in a temp dir, ``pg_ctl start`` it on a free loopback port."""
    bindir = find_pg_bindir()
    as_pg_user = _as_pg_user()
    tmp = Path(tempfile.mkdtemp(prefix="restflow-pg-"))
    tmp.chmod(0o755)  # the postgres OS user must be able to enter it
    data, sockets = tmp / "data", tmp / "sockets"
    for directory in (data, sockets):
        directory.mkdir(mode=0o700)
        _owned_by_pg(directory)
    logfile = tmp / "postgres.log"
    logfile.touch()
    _owned_by_pg(logfile)
    info = {"dir": str(tmp), "data": str(data), "bindir": bindir, "log": str(logfile)}
    info |= {"user": PG_USER, "database": PG_DB}

    def launch(port: int) -> dict[str, Any]:
        settings = {"listen_addresses": "127.0.0.1", "unix_socket_directories": sockets}
        settings |= {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}
        settings |= {"max_connections": 200}
        options = [
            f"-p {port}",
            *(f"-c {key}={shlex.quote(str(v))}" for key, v in settings.items()),
        ]
        wait = ["-w", "-t", str(max(1, int(timeout)))]
        started = pg_ctl(info, "start", *wait, "-l", str(logfile), "-o", " ".join(options))
        if started.returncode != 0:
            raise ServiceError(
                f"pg_ctl start failed: {started.stderr.strip()}\n{log_tail(logfile)}"
            )
        pid = int((data / "postmaster.pid").read_text().split()[0])
        return {**info, "pid": pid, "port": port}

    try:
        init = [os.path.join(bindir, "initdb"), "-D", str(data), "-U", PG_USER]
        init += ["--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync"]
        result = _cli.run(init, cwd=tmp, **as_pg_user)
        if result.returncode != 0:
            raise ServiceError(f"initdb failed (code {result.returncode}):\n{result.stderr}")
        running = on_free_port(launch, logfile)
        try:
            create_database(running, PG_DB)
        except ServiceError:
            stop_postgres(running, timeout)
            raise
        return running
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def create_database(info: dict[str, Any], name: str) -> None:
    """``createdb <name>`` on the recorded server, owned by its user; nothing if it exists."""
    where = ["-h", "127.0.0.1", "-p", str(info["port"]), "-U", info["user"]]
    created = _cli.run([os.path.join(info["bindir"], "createdb"), *where, "-O", info["user"], name])
    if created.returncode != 0 and "already exists" not in created.stderr:
        raise ServiceError(f"createdb {name} failed: {created.stderr.strip()}")


def prepare_slots(data: dict[str, dict[str, Any]], slots: int) -> None:
    """Create the PostgreSQL database of slots ``1 .. slots-1`` (Redis has its databases)."""
    for slot in range(1, slots if "postgres" in data else 1):
        create_database(data["postgres"], env_vars(data, slot)["RESTFLOW_PG_NAME"])


def postgres_running(info: dict[str, Any]) -> bool:
    """Whether ``pg_ctl status`` finds the recorded cluster's server running."""
    return Path(info["data"]).is_dir() and pg_ctl(info, "status").returncode == 0


def stop_postgres(info: dict[str, Any], timeout: float) -> None:
    """``pg_ctl stop`` in fast mode; immediate mode when that does not finish in time."""
    wait = ["-w", "-t", str(max(1, int(timeout)))]
    if pg_ctl(info, "stop", "-m", "fast", *wait).returncode != 0:
        log("postgres: fast shutdown did not finish; immediate shutdown")
        pg_ctl(info, "stop", "-m", "immediate", *wait)


# --------------------------------------------------------------------------- services


def is_running(name: str, info: dict[str, Any]) -> bool:
    """Whether the recorded server still runs, checked with its own tools."""
    try:
        return redis_running(info) if name == "redis" else postgres_running(info)
    except (KeyError, OSError, ServiceError):  # a state file from an older version
        return False


def stop_service(name: str, info: dict[str, Any], timeout: float) -> None:
    """Stop the recorded server with its own tool and delete its temp directory."""
    if is_running(name, info):
        if name == "redis":
            stop_redis(info)
        else:
            stop_postgres(info, timeout)
        log(f"{name}: stopped pid {info['pid']}")
    else:
        log(f"{name}: pid {info.get('pid')} was not running")
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
                log(f"{name}: recorded server is gone; cleaning up and starting a new one")
                stop_service(name, data.pop(name), timeout)
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
    return 0


def cmd_status(state: State, only: str | None) -> int:
    data = state.load()
    code = 0
    for name in selected(only):
        info = data.get(name)
        status = "stopped" if not info else "running" if is_running(name, info) else "not running"
        if status != "running":
            code = 1
        details = f" pid={info['pid']} port={info['port']} dir={info['dir']}" if info else ""
        print(f"{name:<9} {status:<12}{details}".rstrip())
    return code


def running(state: State, only: str | None = None) -> dict[str, dict[str, Any]]:
    """The recorded services that still run."""
    return {k: v for k, v in state.load().items() if k in selected(only) and is_running(k, v)}


def cmd_env(state: State, only: str | None) -> int:
    data = running(state, only)
    if not data:
        print(
            "error: no service is running; run: python scripts/services.py start", file=sys.stderr
        )
        return 1
    print("\n".join(env_lines(data)))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = _cli.parser(__doc__, root="repository root holding .services/ and .services.env")
    parser.add_argument("command", choices=("start", "stop", "status", "env"))
    parser.add_argument("--only", choices=SERVICES, help="act on one service only")
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
