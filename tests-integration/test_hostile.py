"""Hostile clients (issue 17): no 500 from any input, no revoked token back, no poisoned cache.

Every attack runs over HTTP against a project served by uvicorn with ``DEBUG`` off:
docs/example, and ``hostile_support/project`` where the example has no endpoint for it
(RS256 with issuer and audience, ``LEEWAY`` with one-second tokens, cached views with
absolute URLs or a ``Vary`` header, a view with a ``timeout``). Two tables:

- ``ATTACKS`` (hostile_support/attacks.py): one request each, its expected status and
  ``error.code`` of the JSON envelope;
- ``SCENARIOS`` (hostile_support/scenarios.py): several requests each (revocations,
  cache poisoning, throttles, races, disconnects), asserting every answer.

After each row the server must answer a normal request, and must have logged no
traceback. Each row is a client of its own (its own loopback address: the throttles
count it apart). Then a bounded soak (``test_soak``, hostile_support/soak.py): mixed
hostile and normal requests against two uvicorn workers of the example on Redis.

Run by the ``it-hostile`` hatch environment; elsewhere the module is skipped, and with
``RESTFLOW_HOSTILE_TESTS=required`` (set by ``it-hostile``) a missing dependency fails.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from example_support.suite import served_suite

SUITE = served_suite("it-hostile", "RESTFLOW_HOSTILE_TESTS", ("httpx", "cryptography"))
MISSING = SUITE.missing

if not MISSING:
    from hostile_support import soak
    from hostile_support.attacks import ATTACKS, Attack
    from hostile_support.scenarios import SCENARIOS, THROTTLE_LIMIT, Scenario
    from hostile_support.targets import Probe, Target, example_target, hostile_target
else:  # required but missing: every test fails in _require_dependencies
    ATTACKS, SCENARIOS = [], []

LEEWAY_ENV = {"HOSTILE_ACCESS_SECONDS": "1", "HOSTILE_REFRESH_SECONDS": "1", "HOSTILE_LEEWAY": "30"}
DATABASE_BACKEND = "restflow.authentication.blacklist.ModelBlacklistBackend"


@pytest.fixture(scope="module", autouse=True)
def _promised() -> None:
    """In its own environment, a missing module fails every test (elsewhere all skip)."""
    SUITE.require()


# --------------------------------------------------------------------------- targets


@pytest.fixture(scope="module")
def example() -> Iterator[Target]:
    with example_target(RESTFLOW_EXAMPLE_THROTTLE_RATE=f"{THROTTLE_LIMIT}/day") as target:
        yield target


@pytest.fixture(scope="module")
def example_crash() -> Iterator[Target]:
    """The example plus views that fail on purpose (``example_crash_urls``)."""
    with example_target(
        "example_crash", settings="hostile_project.example_crash_settings"
    ) as target:
        yield target


@pytest.fixture(scope="module")
def hostile() -> Iterator[Target]:
    with hostile_target() as target:
        yield target


@pytest.fixture(scope="module")
def leeway_default() -> Iterator[Target]:
    """One-second tokens, ``LEEWAY`` 30 s, restflow-jwt's default blacklist backend."""
    with hostile_target("leeway_default", **LEEWAY_ENV) as target:
        yield target


@pytest.fixture(scope="module")
def leeway_database() -> Iterator[Target]:
    """One-second tokens, ``LEEWAY`` 30 s, the database blacklist backend."""
    with hostile_target(
        "leeway_database", HOSTILE_BLACKLIST_BACKEND=DATABASE_BACKEND, **LEEWAY_ENV
    ) as target:
        yield target


@contextmanager
def _new_client(
    request: pytest.FixtureRequest, target_name: str, crashed_on_purpose: bool = False
) -> Iterator[Probe]:
    """A client of its own for one row; then the target must still serve, with no traceback."""
    target: Target = request.getfixturevalue(target_name)
    mark = target.log_mark()
    yield Probe(target)
    alive = Probe(target).call("GET", target.alive)
    assert alive.status == 200, f"after the attack, {target.alive} answered {alive}"
    logged = target.log_since(mark)
    if not crashed_on_purpose:
        assert "Traceback" not in logged, f"the server logged an exception:\n{logged[-4000:]}"


# --------------------------------------------------------------------------- the tables


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda attack: attack.id)
def test_attack_is_answered_and_the_server_serves_on(
    attack: Attack, request: pytest.FixtureRequest
) -> None:
    with _new_client(request, attack.target, crashed_on_purpose=attack.status == 500) as probe:
        attack.assert_answered(probe.send(attack.data(probe), half_close=attack.half_close))


@pytest.mark.parametrize("row", SCENARIOS, ids=lambda row: row.id)
def test_scenario_holds_and_the_server_serves_on(
    row: Scenario, request: pytest.FixtureRequest
) -> None:
    with _new_client(request, row.target) as probe:
        row.run(probe)


def test_every_item_of_the_issue_has_rows() -> None:
    items = {attack.item for attack in ATTACKS} | {row.item for row in SCENARIOS}
    assert {str(n) for n in range(1, 11)} | {"ok", "more"} <= items


# --------------------------------------------------------------------------- soak


@pytest.mark.requires("redis")
def test_soak_two_workers_on_redis(capsys: pytest.CaptureFixture[str]) -> None:
    report = soak.run(int(os.environ.get("RESTFLOW_HOSTILE_SOAK", soak.DEFAULT_REQUESTS)))
    with capsys.disabled():  # the figures belong in the CI log, pass or fail
        print(f"\n{report.summary()}")
    assert report.server_errors == 0, report.summary()
    assert report.revoked_accepted == 0, report.summary()
    for pid, (before, after) in report.rss.items():
        assert after <= before * 1.10, f"worker {pid}: RSS {before} kB -> {after} kB"
