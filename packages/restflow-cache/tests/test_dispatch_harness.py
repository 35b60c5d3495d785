"""The worker-test harness: a missing REDIS_URL skips with a hint, and fails under CI=true."""

from __future__ import annotations

import pytest

from dispatchtests.workers import require_redis_url


def test_a_missing_redis_url_skips_saying_how_to_get_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"scripts/services\.py start"):
        require_redis_url()


def test_a_missing_redis_url_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="REDIS_URL is not set"):
        require_redis_url()


def test_a_set_redis_url_is_returned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDIS_URL", "redis://example.invalid:6379/3")
    assert require_redis_url() == "redis://example.invalid:6379/3"
