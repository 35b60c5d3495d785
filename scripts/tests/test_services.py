"""scripts/services.py: a missing binary, and a real start/stop when the servers are installed."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import _cli
import pytest
import services


def test_missing_binaries_exit_2_with_the_install_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(services.shutil, "which", lambda name: None)
    monkeypatch.setattr(services.os, "access", lambda path, mode: False)
    monkeypatch.setattr(services.glob, "glob", lambda pattern: [])
    for only in ("redis", "postgres"):
        assert services.main(["start", "--only", only, "--root", str(tmp_path)]) == 2
        err = capsys.readouterr().err
        assert "apt-get install -y redis-server postgresql" in err
    assert not (tmp_path / ".services.env").exists()


def _installed() -> bool:
    try:
        services.find_redis_bindir()
        services.find_pg_bindir()
    except services.MissingBinary:
        return False
    return True


def databases(pg: dict[str, Any]) -> set[str]:
    """The databases of the recorded PostgreSQL server (``psql --list``)."""
    psql = [os.path.join(pg["bindir"], "psql"), "-h", "127.0.0.1", "-p", str(pg["port"])]
    listed = _cli.run(
        [*psql, "-U", pg["user"], "-d", "postgres", "-Atc", "select datname from pg_database"]
    )
    assert listed.returncode == 0, listed.stderr
    return set(listed.stdout.split())


@pytest.mark.skipif(
    not _installed(),
    reason="needs redis-server and PostgreSQL (apt-get install -y redis-server postgresql)",
)
def test_start_is_idempotent_and_stop_cleans_up(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path
    try:
        assert services.main(["start", "--root", str(root)]) == 0
        exports = capsys.readouterr().out
        state = json.loads((root / ".services" / "state.json").read_text())
        redis, pg = state["redis"], state["postgres"]
        assert f"export REDIS_URL=redis://127.0.0.1:{redis['port']}/0" in exports
        assert f"export DATABASE_URL=postgres://restflow@127.0.0.1:{pg['port']}/restflow" in exports
        assert exports.strip() == (root / ".services.env").read_text().split("\n", 1)[1].strip()
        assert services.redis_ping(redis["port"])
        assert services.pg_ready(pg["port"], "restflow", "restflow")

        assert services.main(["start", "--root", str(root)]) == 0  # no second copy
        again = json.loads((root / ".services" / "state.json").read_text())
        assert again["redis"]["pid"] == redis["pid"] and again["postgres"]["pid"] == pg["pid"]
        services.prepare_slots(again, 3)
        services.prepare_slots(again, 3)  # again: they exist already
        assert databases(pg) >= {"restflow", "restflow_1", "restflow_2"}
        assert "restflow_3" not in databases(pg)
        assert services.env_vars(again, 2)["DATABASE_URL"].endswith(f":{pg['port']}/restflow_2")
        assert services.env_vars(again, 2)["REDIS_URL"].endswith(f":{redis['port']}/2")
        assert services.main(["status", "--root", str(root)]) == 0
    finally:
        assert services.main(["stop", "--root", str(root)]) == 0
    assert not services.redis_ping(redis["port"]) and not services.pg_ready(pg["port"])
    assert not os.path.exists(redis["dir"]) and not os.path.exists(pg["dir"])
    assert not (root / ".services.env").exists()
    assert services.main(["status", "--root", str(root)]) == 1
    shutil.rmtree(root / ".services", ignore_errors=True)
