"""A bounded soak: mixed hostile and normal requests against two uvicorn workers on Redis.

The example runs with ``--workers 2`` on Django's ``RedisCache`` (``REDIS_URL``): the
cache, the throttle counters and the token blacklist are shared by both workers, and a
request may reach either. ``run(count)`` sends a warm-up (``count // 10``), reads each
worker's resident memory, sends ``count`` requests with :data:`CONCURRENCY` in flight,
and reads it again. Meanwhile a revoker logs a user in, checks the token works, revokes
it, and from then on a checker keeps presenting every revoked token (access and refresh):
none may be accepted, by either worker.

Requests are raw bytes (:mod:`hostile_support.wire`, one connection each: the lightest
client for two shared cores), many of them malformed; the revoker's users log in and out
through httpx. Clients come from :data:`CLIENTS` loopback addresses.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from example_support.server import worker_pids

from hostile_support import jwtcraft, wire
from hostile_support.targets import PASSWORD, USERS, example_target

DEFAULT_REQUESTS = 20_000
CONCURRENCY = 16
CLIENTS = 64
REVOCATIONS = 20
NO_REPLY = 0

Step = Callable[[int], Awaitable[None]]

NORMAL = [
    "/",
    "/api/products/?page_size=5",
    "/api/products/?category__slug=kitchen&price__lte=40&order_by=-price",
    "/api/products/7/",
    "/api/reviews/?rating__gte=4",
    "/api/categories/",
    "/api/stats/",
    "/api/top-rated/",
    "/api/export/products/?category__slug=books",
    "/api/events/products/?in_stock=true&page_size=5",
]


def _hostile() -> list[tuple[bytes, bool]]:
    """Hostile requests as bytes, and whether to stop sending mid-body."""
    nested = jwtcraft.forge(jwtcraft.nested(1000), jwtcraft.claims(), None)
    forged = jwtcraft.forge(jwtcraft.header("HS256"), jwtcraft.claims(), jwtcraft.hs256(b"k" * 32))
    none = jwtcraft.forge(jwtcraft.header("none"), jwtcraft.claims(), None)
    token = "/api/auth/token/"
    as_json = [("Content-Type", "application/json")]
    requests = [
        wire.request("GET", "/api/products/", [("Authorization", f"Bearer {nested}")]),
        wire.request("GET", "/api/products/", [("Authorization", f"Bearer {forged}")]),
        wire.request("GET", "/api/products/", [("Authorization", f"Bearer {none}")]),
        wire.request("GET", "/api/products/?" + "&".join(["a=1"] * 2000)),
        wire.request("POST", token, as_json, jwtcraft.nested(2000)),
        wire.request("POST", "/api/auth/refresh/", as_json, jwtcraft.nested(100_000)),
        wire.request(
            "POST",
            token,
            [("Content-Type", "application/x-www-form-urlencoded")],
            "&".join(f"f{i}=1" for i in range(1500)).encode(),
        ),
        wire.request("GET", "/api/products/", [("Host", "evil.example")]),
        wire.request("GET", b"/static/..%2f..%2fexample%2fsettings.py"),
        wire.request("GET", "/no/such/page/"),
        wire.request("GET", b"/api/\xff\xfe/"),
        wire.request("GET", "/api/products/?id__in=" + ",".join(map(str, range(10_000)))),
        wire.request("GET", "/api/products/?order_by=password"),
        wire.request("POST", token, [("Content-Type", "application/xml")], b"<a/>"),
        wire.request("GET", "/api/products/?page_size=1", [("X-Padding", "a" * 60_000)]),
    ]
    plan = [(data, False) for data in requests]
    overlong = [("Content-Type", "application/json"), ("Content-Length", "1000")]
    plan.append((wire.request("POST", token, overlong, b'{"a": 1}'), True))
    return plan


@dataclass
class Report:
    """What the soak saw."""

    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    seconds: float = 0.0
    rss: dict[int, tuple[int, int]] = field(default_factory=dict)
    revoked: int = 0
    revoked_checks: int = 0
    revoked_accepted: int = 0

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)

    def count(self, status: int) -> None:
        self.requests += 1
        self.statuses[status] += 1

    def summary(self) -> str:
        histogram = ", ".join(
            f"{'no reply' if s == NO_REPLY else s}: {n}" for s, n in sorted(self.statuses.items())
        )
        memory = "; ".join(
            f"worker {pid}: {before} kB after warm-up -> {after} kB ({(after / before - 1):+.1%})"
            for pid, (before, after) in self.rss.items()
        )
        return (
            f"soak: {self.requests} requests in {self.seconds:.1f} s "
            f"({self.requests / max(self.seconds, 1e-9):.0f}/s), {CONCURRENCY} in flight, "
            f"2 workers on Redis\n  statuses: {histogram}\n  5xx: {self.server_errors}\n"
            f"  revoked tokens: {self.revoked}, presented {self.revoked_checks} times, "
            f"accepted {self.revoked_accepted} times\n  RSS: {memory}"
        )


def rss_kb(pid: int) -> int:
    """Resident memory of ``pid`` (``VmRSS``, kB)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmRSS for {pid}")


class _Driver:
    """Sends ``count`` requests of the plan, revoking and re-checking tokens on the way."""

    def __init__(
        self,
        port: int,
        report: Report,
        users: itertools.count[int],
        revoked: list[dict[str, str]],
    ) -> None:
        self.port = port
        self.report = report
        self.users = users
        self.revoked = revoked  # every token pair revoked so far, warm-up included
        self.sources = [wire.next_source() for _ in range(CLIENTS)]
        self.hostile = _hostile()
        self.sent = 0

    async def run(self, count: int) -> None:
        plan = self._plan()
        revoke_at = {count * n // REVOCATIONS for n in range(REVOCATIONS)}
        await asyncio.gather(*(self._work(plan, count, revoke_at) for _ in range(CONCURRENCY)))

    def _plan(self) -> list[Step]:
        """One step per slot: 60 % normal, 30 % hostile, 10 % revoked tokens presented."""
        normal = [self._raw(wire.request("GET", path), False) for path in NORMAL] * 6
        hostile = [self._raw(data, half) for data, half in self.hostile] * 2
        plan = normal + hostile[: len(normal) // 2] + [self._present_revoked] * (len(normal) // 6)
        random.Random(17).shuffle(plan)
        return plan

    async def _work(self, plan: list[Step], count: int, revoke_at: set[int]) -> None:
        """Take the next request slot until ``count``; a revocation at each ``revoke_at``."""
        while self.sent < count:
            i = self.sent
            self.sent += 1
            await (self._revoke() if i in revoke_at else plan[i % len(plan)](i))

    def _raw(self, data: bytes, half_close: bool) -> Step:
        async def send(i: int) -> None:
            source = self.sources[i % CLIENTS]
            reply = await wire.exchange(self.port, data, source=source, half_close=half_close)
            self.report.count(reply.status if reply else NO_REPLY)

        return send

    async def _present_revoked(self, i: int) -> None:
        if not self.revoked:
            return
        tokens = self.revoked[i % len(self.revoked)]
        source = self.sources[i % CLIENTS]
        if i % 2:
            headers = [("Authorization", f"Bearer {tokens['access']}")]
            data = wire.request("GET", "/api/products/?page_size=1", headers)
        else:
            body = json.dumps({"refresh": tokens["refresh"]}).encode()
            data = wire.request(
                "POST", "/api/auth/refresh/", [("Content-Type", "application/json")], body
            )
        reply = await wire.exchange(self.port, data, source=source)
        status = reply.status if reply else NO_REPLY
        self.report.count(status)
        self.report.revoked_checks += 1
        self.report.revoked_accepted += status == 200

    async def _revoke(self) -> None:
        """Log in, check the token works, revoke it; from now on it is presented as revoked.

        Each time as another user from another address: a login throttle (per user, per
        address) must not stand in the way of these legitimate logins.
        """
        async with _client(self.port, wire.next_source()) as client:
            self.revoked.append(await self._log_in_and_out(client))

    async def _log_in_and_out(self, client: httpx.AsyncClient) -> dict[str, str]:
        user = f"hostile-{next(self.users):02}"
        login = await client.post("/api/auth/token/", json={"username": user, "password": PASSWORD})
        self.report.count(login.status_code)
        assert login.status_code == 200, f"soak login as {user}: {login.text}"
        tokens: dict[str, str] = login.json()
        auth = {"Authorization": f"Bearer {tokens['access']}"}
        before = await client.get("/api/products/?page_size=1", headers=auth)
        self.report.count(before.status_code)
        assert before.status_code == 200, f"a fresh token was refused: {before.text}"
        out = await client.post("/api/auth/blacklist/", json=tokens)
        self.report.count(out.status_code)
        assert out.status_code == 200, f"logout: {out.text}"
        return tokens


def _client(port: int, source: str) -> httpx.AsyncClient:
    transport = httpx.AsyncHTTPTransport(local_address=source)
    return httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", transport=transport, timeout=60)


def run(count: int = DEFAULT_REQUESTS) -> Report:
    """Serve the example with two workers on ``REDIS_URL``, soak it, report."""
    with example_target("soak", workers=2, REDIS_URL=os.environ["REDIS_URL"]) as target:
        assert target.server.process is not None
        pids = worker_pids(target.server.process)
        assert len(pids) == 2, f"expected two uvicorn workers, found {pids}"
        users, revoked = itertools.count(), []
        warm_up = _Driver(target.port, Report(), users, revoked)
        asyncio.run(warm_up.run(max(count // 10, REVOCATIONS)))
        before = {pid: rss_kb(pid) for pid in pids}
        report = Report()
        started = time.monotonic()
        asyncio.run(_Driver(target.port, report, users, revoked).run(count))
        report.seconds = time.monotonic() - started
        report.rss = {pid: (before[pid], rss_kb(pid)) for pid in pids}
        report.revoked = len(revoked)
        assert next(users) <= USERS, "the soak logged in more users than the example has"
    return report
