"""scripts/services.py: a missing binary, and a real start/stop when the servers are installed."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

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
        assert services.main(["status", "--root", str(root)]) == 0
    finally:
        assert services.main(["stop", "--root", str(root)]) == 0
    assert not services.redis_ping(redis["port"]) and not services.pg_ready(pg["port"])
    assert not os.path.exists(redis["dir"]) and not os.path.exists(pg["dir"])
    assert not (root / ".services.env").exists()
    assert services.main(["status", "--root", str(root)]) == 1
    shutil.rmtree(root / ".services", ignore_errors=True)
