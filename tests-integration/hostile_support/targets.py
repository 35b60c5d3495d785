"""The servers the hostile suite attacks, and a client that attacks one of them.

A :class:`Target` is a running project (docs/example, or ``hostile_project``) with what an
attacker may know of it: where its token endpoints are, a path answered 200 to a normal
client, and its signing key (to forge tokens a key holder could write). A :class:`Probe`
is one client of a target, from its own loopback address.
"""

from __future__ import annotations

import functools
import itertools
import json
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from example_support.server import EXAMPLE, ExampleServer, example_env, serve_project
from example_support.server import manage as run_manage

from hostile_support import jwtcraft, wire

PROJECT = Path(__file__).resolve().parent / "project"
PASSWORD = "hostile-password"
EXAMPLE_KEY = b"hostile-suite-example-signing-key-0123456789"
USERS = 60
EXAMPLE_PATHS = {"alive": "/api/categories/", "protected": "/api/products/?page_size=1"}
HOSTILE_PATHS = {"alive": "/alive/", "protected": "/me/"}
"""Per project: answered 200 to anyone; answered 200 to a signed-in user only."""


def create_users(prefix: str, count: int = USERS) -> str:
    """``manage.py shell -c`` code creating ``<prefix>-00``… with :data:`PASSWORD` (one hash)."""
    return (
        "from django.contrib.auth.hashers import make_password\n"
        "from django.contrib.auth.models import User\n"
        f"hashed = make_password({PASSWORD!r})\n"
        f"User.objects.bulk_create([User(username=f'{prefix}-{{i:02}}', password=hashed)"
        f" for i in range({count})])\n"
    )


@dataclass
class Target:
    """A served project and what the suite knows of it."""

    name: str
    server: ExampleServer
    app_dir: Path
    alive: str
    protected: str
    auth: str
    signer: jwtcraft.Signer
    algorithm: str
    claims: dict[str, Any] = field(default_factory=dict)
    public_pem: bytes = b""
    users: Iterator[str] = field(default_factory=lambda: iter(()))

    @property
    def port(self) -> int:
        return self.server.port

    def log_mark(self) -> int:
        return len(self.server.log.read_bytes())

    def log_since(self, mark: int) -> str:
        return self.server.log.read_bytes()[mark:].decode(errors="replace")


class Probe:
    """One client of ``target``, from ``source`` (a fresh loopback address by default)."""

    def __init__(self, target: Target, source: str | None = None) -> None:
        self.target = target
        self.source = source or wire.next_source()
        self._tokens: dict[str, str] | None = None

    def send(self, data: bytes, **kwargs: Any) -> wire.Reply | None:
        return wire.send(self.target.port, data, source=self.source, **kwargs)

    def call(
        self,
        method: str,
        path: str | bytes,
        headers: wire.Headers = (),
        body: bytes = b"",
        **kwargs: Any,
    ) -> wire.Reply:
        reply = self.send(wire.request(method, path, headers, body), **kwargs)
        assert reply is not None, f"{method} {path!r}: the server closed without answering"
        return reply

    def post_json(self, path: str, data: Any, headers: wire.Headers = ()) -> wire.Reply:
        body = json.dumps(data).encode()
        return self.call("POST", path, [("Content-Type", "application/json"), *headers], body)

    def login(self, username: str | None = None, password: str = PASSWORD) -> dict[str, str]:
        """A token pair for a user no other probe logged in as (or ``username``)."""
        name = username or next(self.target.users)
        reply = self.post_json(
            f"{self.target.auth}token/", {"username": name, "password": password}
        )
        assert reply.status == 200, f"login as {name}: {reply}"
        tokens: dict[str, str] = reply.json()
        return tokens

    @property
    def tokens(self) -> dict[str, str]:
        """This probe's own token pair (logged in once)."""
        if self._tokens is None:
            self._tokens = self.login()
        return self._tokens

    def forge(self, head: bytes | None = None, **claims: Any) -> str:
        """A token signed with the target's key: its algorithm, its issuer and audience."""
        payload = jwtcraft.claims(**{**self.target.claims, **claims})
        return jwtcraft.forge(
            head or jwtcraft.header(self.target.algorithm), payload, self.target.signer
        )

    def accepts(self, access: str) -> bool:
        """Whether the target authenticates a request with ``access``."""
        reply = self.call("GET", self.target.protected, bearer(access))
        assert reply.status in (200, 401), f"{self.target.protected}: {reply}"
        return reply.status == 200

    def refreshes(self, refresh: str) -> wire.Reply:
        return self.post_json(f"{self.target.auth}refresh/", {"refresh": refresh})

    def revoke(self, refresh: str, access: str | None = None) -> None:
        data = {"refresh": refresh, **({"access": access} if access else {})}
        reply = self.post_json(f"{self.target.auth}blacklist/", data)
        assert reply.status == 200, f"logout: {reply}"


def bearer(token: str) -> list[tuple[str, str]]:
    return [("Authorization", f"Bearer {token}")]


def _users(prefix: str) -> Iterator[str]:
    return (f"{prefix}-{i:02}" for i in itertools.count())


@contextmanager
def _served(
    name: str, app_dir: Path, application: str, env: dict[str, str], tmp: str, workers: int = 1
) -> Iterator[Callable[..., Target]]:
    """Serve the project with the suite's users; yield what makes its :class:`Target`."""
    with serve_project(
        app_dir, application, env, Path(tmp), workers=workers, setup=create_users("hostile")
    ) as server:
        yield functools.partial(Target, name, server, app_dir, users=_users("hostile"))


@contextmanager
def example_target(
    name: str = "example", *, workers: int = 1, settings: str = "", **env: str
) -> Iterator[Target]:
    """docs/example (``DEBUG`` off, LocMem unless ``REDIS_URL`` is given) with test users."""
    with tempfile.TemporaryDirectory(prefix="restflow-hostile-") as tmp:
        extra = {"JWT_SIGNING_KEY": EXAMPLE_KEY.decode(), **env}
        if settings:  # the example's settings, extended by a module of hostile_project
            extra.update(DJANGO_SETTINGS_MODULE=settings, PYTHONPATH=str(PROJECT))
        server_env = example_env(Path(tmp) / "example.sqlite3", **extra)
        with _served(name, EXAMPLE, "example.asgi:application", server_env, tmp, workers) as make:
            yield make(
                **EXAMPLE_PATHS,
                auth="/api/auth/",
                signer=jwtcraft.hs256(EXAMPLE_KEY),
                algorithm="HS256",
            )


@contextmanager
def hostile_target(name: str = "hostile", **env: str) -> Iterator[Target]:
    """``hostile_project``: RS256 with issuer and audience, rotating refresh tokens."""
    private, public = jwtcraft.rsa_key_pair()
    with tempfile.TemporaryDirectory(prefix="restflow-hostile-") as tmp:
        server_env = {  # the example's environment (DEBUG off, no PYTHONPATH), other settings
            **example_env(Path(tmp) / "unused.sqlite3"),
            "DJANGO_SETTINGS_MODULE": "hostile_project.settings",
            "HOSTILE_DB": str(Path(tmp) / "hostile.sqlite3"),
            "HOSTILE_JWT_PRIVATE_KEY": private.decode(),
            **env,
        }
        with _served(name, PROJECT, "hostile_project.asgi:application", server_env, tmp) as make:
            yield make(
                **HOSTILE_PATHS,
                auth="/auth/",
                signer=jwtcraft.rs256(private),
                algorithm="RS256",
                claims={"iss": "hostile-issuer", "aud": "hostile-api"},
                public_pem=public,
            )


def manage(target: Target, *args: str) -> None:
    """Run a management command against ``target``'s settings and database."""
    run_manage(target.app_dir, target.server.env, *args)
