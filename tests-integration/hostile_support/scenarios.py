"""The attacks that take more than one request: revocations, caches, throttles, races.

Each function is one row of the table (``SCENARIOS``): it runs against the targets it is
registered for, with a :class:`~hostile_support.targets.Probe` of its own (its own client
address), and asserts every answer it gets. test_hostile.py then checks that the server
still answers a normal request and logged no traceback.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass

from hostile_support import jwtcraft, wire
from hostile_support.targets import Probe, bearer, manage

THROTTLE_LIMIT = 10  # the example's RESTFLOW_EXAMPLE_THROTTLE_RATE in this suite, per day
WRONG_PASSWORDS = 40


@dataclass(frozen=True)
class Scenario:
    item: str
    target: str
    run: Callable[[Probe], None]

    @property
    def id(self) -> str:
        return f"item{self.item}-{self.target}-{self.run.__name__.replace('_', '-')}"


SCENARIOS: list[Scenario] = []


def scenario(
    item: str, *targets: str
) -> Callable[[Callable[[Probe], None]], Callable[[Probe], None]]:
    def register(run: Callable[[Probe], None]) -> Callable[[Probe], None]:
        SCENARIOS.extend(Scenario(item, target, run) for target in targets)
        return run

    return register


def assert_refused(reply: wire.Reply, status: int, code: str) -> None:
    assert (reply.status, reply.error_code) == (status, code), str(reply)


# --------------------------------------------------------------------------- item 2


def _past_expiry(token: str, probe: Probe) -> None:
    """Sleep until ``token`` expired (inside the leeway), then run the blacklist purge.

    The server is another process whose tokens read the real clock: no clock to inject,
    so the lifetimes are one second and this waits about two and a half.
    """
    time.sleep(max(0.0, jwtcraft.payload_of(token)["exp"] - time.time()) + 1.5)
    manage(probe.target, "purge_blacklisted_tokens")


@scenario("2", "leeway_default", "leeway_database")
def revoked_access_token_stays_revoked_through_the_leeway(probe: Probe) -> None:
    tokens = probe.login()
    probe.revoke(tokens["refresh"], tokens["access"])
    assert not probe.accepts(tokens["access"])
    _past_expiry(tokens["access"], probe)
    assert not probe.accepts(tokens["access"]), "a revoked access token came back after exp"


@scenario("2", "leeway_default", "leeway_database")
def rotated_refresh_token_cannot_be_replayed_through_the_leeway(probe: Probe) -> None:
    tokens = probe.login()
    assert probe.refreshes(tokens["refresh"]).status == 200
    assert_refused(probe.refreshes(tokens["refresh"]), 401, "authentication_failed")
    _past_expiry(tokens["refresh"], probe)
    assert_refused(probe.refreshes(tokens["refresh"]), 401, "authentication_failed")


# --------------------------------------------------------------------------- item 3


@scenario("3", "example")
def revocations_survive_anonymous_cache_churn(probe: Probe) -> None:
    tokens = probe.login()
    probe.revoke(tokens["refresh"], tokens["access"])
    for i in range(400):
        assert probe.call("GET", f"/api/categories/?churn={i}").status == 200
    assert not probe.accepts(tokens["access"]), "the revoked access token works again"
    assert_refused(probe.refreshes(tokens["refresh"]), 401, "authentication_failed")


# --------------------------------------------------------------------------- item 6


@scenario("6", "hostile")
def host_with_a_port_does_not_poison_cached_absolute_urls(probe: Probe) -> None:
    port = probe.target.port
    for path in ("/links/", "/sync/links/"):
        poisoned = probe.call("GET", path, [("Host", "localhost:6666")])
        assert poisoned.status == 200, str(poisoned)
        honest = Probe(probe.target).call("GET", path, [("Host", f"localhost:{port}")])
        assert honest.status == 200, str(honest)
        assert honest.json()["self"] == f"http://localhost:{port}{path}", str(honest)


@scenario("6", "hostile")
def accept_language_varies_the_cached_answer(probe: Probe) -> None:
    for path in ("/greeting/", "/sync/greeting/"):
        french = probe.call("GET", path, [("Accept-Language", "fr")])
        assert french.json() == {"language": "fr"}, str(french)
        german = Probe(probe.target).call("GET", path, [("Accept-Language", "de")])
        assert german.json() == {"language": "de"}, f"{path} served another language: {german}"


@scenario("ok", "hostile")
def cached_answers_stay_with_their_user(probe: Probe) -> None:
    alice, bob = next(probe.target.users), next(probe.target.users)
    tokens = {alice: probe.login(alice), bob: probe.login(bob)}
    for path in ("/whoami/", "/sync/whoami/"):
        for name in (alice, bob):
            reply = probe.call("GET", path, bearer(tokens[name]["access"]))
            assert reply.json() == {"user": name}, str(reply)
        assert probe.call("GET", path).json() == {"user": None}


# --------------------------------------------------------------------------- item 8


def _wrong_passwords(attempt: Callable[[int], wire.Reply]) -> None:
    statuses = []
    for i in range(WRONG_PASSWORDS):
        reply = attempt(i)
        expected = {401: "authentication_failed", 429: "throttled"}
        assert expected.get(reply.status) == reply.error_code, str(reply)
        statuses.append(reply.status)
    assert statuses[-1] == 429, f"{WRONG_PASSWORDS} wrong passwords, never throttled: {statuses}"


@scenario("8", "example")
def wrong_passwords_for_one_user_from_one_address_are_throttled(probe: Probe) -> None:
    name = next(probe.target.users)
    _wrong_passwords(
        lambda i: probe.post_json("/api/auth/token/", {"username": name, "password": f"x{i}"})
    )


@scenario("8", "example")
def wrong_passwords_for_one_user_from_many_addresses_are_throttled(probe: Probe) -> None:
    name = next(probe.target.users)
    _wrong_passwords(
        lambda i: Probe(probe.target).post_json(
            "/api/auth/token/", {"username": name, "password": f"x{i}"}
        )
    )


@scenario("8", "example")
def wrong_passwords_for_many_users_from_one_address_are_throttled(probe: Probe) -> None:
    _wrong_passwords(
        lambda i: probe.post_json(
            "/api/auth/token/",
            {"username": f"nobody-{i}", "password": "x"},
            [("X-Forwarded-For", f"198.51.100.{i}")],
        )
    )


# --------------------------------------------------------------------------- item 9


@scenario("9", "example")
def rotating_forwarded_for_does_not_evade_the_throttle(probe: Probe) -> None:
    statuses = []
    for i in range(THROTTLE_LIMIT + 5):
        reply = probe.call("GET", "/api/top-rated/", [("X-Forwarded-For", f"203.0.113.{i}")])
        statuses.append(reply.status)
    assert statuses == [200] * THROTTLE_LIMIT + [429] * 5, statuses
    assert reply.error_code == "throttled"


# ------------------------------------------------------------ concurrency, disconnects


def _burst(probe: Probe, requests: list[bytes]) -> list[wire.Reply | None]:
    async def run() -> list[wire.Reply | None]:
        return await asyncio.gather(
            *(wire.exchange(probe.target.port, data, source=probe.source) for data in requests)
        )

    return asyncio.run(run())


@scenario("ok", "example")
def concurrent_burst_admits_exactly_the_rate(probe: Probe) -> None:
    replies = _burst(probe, [wire.request("GET", "/api/top-rated/")] * 40)
    statuses = sorted(reply.status for reply in replies if reply)
    assert statuses == [200] * THROTTLE_LIMIT + [429] * (40 - THROTTLE_LIMIT), statuses


@scenario("ok", "hostile")
def concurrent_refreshes_of_one_token_rotate_it_once(probe: Probe) -> None:
    refresh = probe.login()["refresh"]
    body = json.dumps({"refresh": refresh}).encode()
    request = wire.request("POST", "/auth/refresh/", [("Content-Type", "application/json")], body)
    replies = [reply for reply in _burst(probe, [request] * 10) if reply]
    assert sorted(reply.status for reply in replies) == [200] + [401] * 9
    assert {reply.error_code for reply in replies if reply.status == 401} == {
        "authentication_failed"
    }


@scenario("ok", "example")
def clients_leaving_mid_stream(probe: Probe) -> None:
    async def leave(path: str) -> None:
        reader, writer = await asyncio.open_connection(
            "127.0.0.1", probe.target.port, local_addr=(probe.source, 0)
        )
        writer.write(wire.request("GET", path))
        await reader.read(200)  # the head and the first rows, then gone
        writer.transport.abort()

    async def run() -> None:
        paths = ["/api/events/products/", "/api/export/products/"] * 10
        await asyncio.gather(*(leave(path) for path in paths))

    asyncio.run(run())
