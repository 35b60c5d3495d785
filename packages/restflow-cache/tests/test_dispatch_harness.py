"""The worker-test harness: a missing REDIS_URL skips with a hint, and fails in a CI run.

``testsupport`` holds the harness every suite shares; its one rule for "a CI run"
(``CI`` or ``RESTFLOW_STRICT`` set to 1, true or yes, in any case) is checked here.
"""

from __future__ import annotations

import pytest

from testsupport.services import redis_url


@pytest.fixture(autouse=True)
def _no_redis(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("RESTFLOW_STRICT", raising=False)


@pytest.mark.parametrize("value", ["", "0", "false", "no"])
def test_a_missing_redis_url_skips_saying_how_to_get_it(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.skip.Exception, match=r"scripts/services\.py start"):
        redis_url()


@pytest.mark.parametrize("variable", ["CI", "RESTFLOW_STRICT"])
@pytest.mark.parametrize("value", ["true", "1", "yes", "TRUE", " True "])
def test_a_missing_redis_url_fails_in_a_ci_run(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(pytest.fail.Exception, match="REDIS_URL is not set"):
        redis_url()


def test_a_set_redis_url_is_returned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDIS_URL", "redis://example.invalid:6379/3")
    assert redis_url() == "redis://example.invalid:6379/3"
