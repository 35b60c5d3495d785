"""Benchmark restflow-jwt against raw PyJWT and djangorestframework-simplejwt.

Two parts, each with the implementations interleaved round-robin in every round:

  tokens   encode + decode of one access token (claims token_type, exp, iat, jti,
           user_id; HS256):
             pyjwt       ``jwt.encode`` then ``jwt.decode(..., algorithms=["HS256"])``
             simplejwt   ``AccessToken.for_user(user)``, ``str()``, ``AccessToken(raw)``
             restflow    ``AccessToken.for_user(user)``, ``str()``, ``AccessToken(raw)``
  auth     one request end to end, ``Authorization: Bearer <token>`` -> user (the user
           row read from SQLite):
             simplejwt        ``JWTAuthentication().authenticate(request)``
             restflow-sync    ``JWTAuthentication().authenticate(request)``
             restflow-async   ``await JWTAuthentication().aauthenticate(request)``
           plus, measured alongside, restflow's async path with the user cache on
           (``USER_CACHE_TTL``: no query, no thread hop) and, when ``REDIS_URL`` is set,
           with the blacklist on Redis instead of LocMem.

Thread hops (``sync_to_async`` and restflow's ``run_sync``, as
``restflow.core.testing.count_hops`` sees them) are counted per request in a separate,
untimed pass. Run it with the bench venv:

  .bench-venv/bin/python scripts/bench/jwt_auth.py [--quick] [--rounds N] [--json PATH]

Targets: restflow tokens <= 1.1x pyjwt; restflow-sync auth <= simplejwt; restflow-async
at most one hop (none on the user cache, LocMem or Redis blacklists) and <= 1.3x
restflow-sync.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import _django
import _http
import _perf
import _venv

HERE = Path(__file__).resolve().parent
DEFAULT_OUTPUT = HERE / "results" / "jwt_auth.json"
KEY = "restflow-jwt-bench-signing-key-0123456789-abcdefghijklmnopqrstuvwxyz"
# The blacklist measured: the cache backend on LocMem (one process; the Redis variant
# below), so the async path's only hop is the user query. The default database
# backend adds one indexed query (and, async, one hop) per request.
JWT = {
    "SIGNING_KEY": KEY,
    "BLACKLIST_BACKEND": "restflow.authentication.blacklist.CacheBlacklistBackend",
    "BLACKLIST_ALLOW_LOCMEM": True,
}

TOKENS = ["pyjwt", "simplejwt", "restflow"]
AUTH = ["simplejwt", "restflow-sync", "restflow-async"]


def _ensure_bench_python() -> None:
    _venv.ensure_bench_python(__file__, "rest_framework_simplejwt", "restflow.authentication")


def _setup_django(db_path: str) -> None:
    from django.conf import settings

    caches: dict[str, Any] = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    if os.environ.get("REDIS_URL"):
        caches["redis"] = {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": f"rf-jwt-bench-{os.getpid()}",
        }
    settings.configure(
        DEBUG=False,
        SECRET_KEY="restflow-jwt-bench-not-a-secret",
        USE_TZ=True,
        INSTALLED_APPS=[
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "rest_framework",
            "restflow.core",
            "restflow.authentication",
        ],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": db_path}},
        CACHES=caches,
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        LOGGING_CONFIG=None,
        RESTFLOW_SETTINGS={"JWT": JWT},
        SIMPLE_JWT={"SIGNING_KEY": KEY},
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, run_syncdb=True)


@contextlib.contextmanager
def _restflow_jwt(**jwt: Any) -> Iterator[None]:
    from django.test import override_settings

    with override_settings(RESTFLOW_SETTINGS={"JWT": {**JWT, **jwt}}):
        yield


# -- counting thread hops ----------------------------------------------------------------


@contextlib.contextmanager
def counting_hops() -> Iterator[list[str]]:
    """Record every thread hop (``sync_to_async`` or ``run_sync``) while active, never while timing."""
    from restflow.core.testing import count_hops

    with count_hops() as functions:
        names: list[str] = []
        yield names
    names.extend(getattr(f, "__qualname__", None) or type(f).__name__ for f in functions)


# -- the implementations -------------------------------------------------------------------


def _token_runners(user: Any) -> dict[str, Callable[[], None]]:
    import jwt
    from rest_framework_simplejwt.tokens import AccessToken as SimpleAccessToken

    from restflow.authentication import AccessToken

    def pyjwt_once() -> None:
        now = int(time.time())
        payload = {
            "token_type": "access",
            "exp": now + 300,
            "iat": now,
            "jti": uuid.uuid4().hex,
            "user_id": user.pk,
        }
        raw = jwt.encode(payload, KEY, algorithm="HS256")
        jwt.decode(raw, KEY, algorithms=["HS256"])

    def simplejwt_once() -> None:
        SimpleAccessToken(str(SimpleAccessToken.for_user(user)))

    def restflow_once() -> None:
        AccessToken(str(AccessToken.for_user(user)))

    return {"pyjwt": pyjwt_once, "simplejwt": simplejwt_once, "restflow": restflow_once}


def _requests(token: str, count: int) -> list[Any]:
    from django.test import RequestFactory
    from rest_framework.request import Request

    factory = RequestFactory()
    return [Request(factory.get("/", HTTP_AUTHORIZATION=f"Bearer {token}")) for _ in range(count)]


def _time_sync(authenticate: Callable[[Any], Any], requests: list[Any]) -> float:
    start = time.perf_counter()
    for request in requests:
        authenticate(request)
    return time.perf_counter() - start


def _time_async(loop: asyncio.AbstractEventLoop, auth: Any, requests: list[Any]) -> float:
    async def run() -> float:
        start = time.perf_counter()
        for request in requests:
            await auth.aauthenticate(request)
        return time.perf_counter() - start

    return loop.run_until_complete(run())


# -- running ------------------------------------------------------------------------------


def _per_call(once: Callable[[], None]) -> _perf.Timer:
    def timer(n: int) -> float:
        start = time.perf_counter()
        for _ in range(n):
            once()
        return (time.perf_counter() - start) / n * 1e6

    return timer


def run_tokens(user: Any, args: argparse.Namespace) -> dict[str, Any]:
    runners = _token_runners(user)
    return _perf.timed({"tokens": {name: _per_call(runners[name]) for name in TOKENS}}, args,
                       "pyjwt")["tokens"]  # fmt: skip


def run_auth(
    user: Any, args: argparse.Namespace, loop: asyncio.AbstractEventLoop
) -> tuple[dict[str, Any], dict[str, float]]:
    from rest_framework_simplejwt.authentication import JWTAuthentication as SimpleJWTAuth
    from rest_framework_simplejwt.tokens import AccessToken as SimpleAccessToken

    from restflow.authentication import AccessToken, JWTAuthentication

    simple_token = str(SimpleAccessToken.for_user(user))
    token = str(AccessToken.for_user(user))
    restflow_auth, simple_auth = JWTAuthentication(), SimpleJWTAuth()
    names = [*AUTH, "restflow-async+user-cache"]
    has_redis = "redis" in _django_caches()
    if has_redis:
        names.append("restflow-async+redis-blacklist")

    def configured(name: str) -> contextlib.AbstractContextManager[None]:
        if name == "restflow-async+user-cache":
            return _restflow_jwt(USER_CACHE_TTL=60)
        if name == "restflow-async+redis-blacklist":
            return _restflow_jwt(BLACKLIST_CACHE_ALIAS="redis")
        return contextlib.nullcontext()

    def measure(name: str, requests: list[Any]) -> float:
        with configured(name):
            if name == "simplejwt":
                return _time_sync(simple_auth.authenticate, requests)
            if name == "restflow-sync":
                return _time_sync(restflow_auth.authenticate, requests)
            return _time_async(loop, restflow_auth, requests)

    def requests_for(name: str, how_many: int) -> list[Any]:
        return _requests(simple_token if name == "simplejwt" else token, how_many)

    hops: dict[str, float] = {}
    for name in names:  # warm-up, then an untimed pass counting hops
        measure(name, requests_for(name, 50))
        with counting_hops() as seen:
            measure(name, requests_for(name, 20))
        hops[name] = len(seen) / 20 if name.startswith("restflow-async") else 0.0

    def timer(name: str) -> _perf.Timer:
        return lambda n: measure(name, requests_for(name, n)) / n * 1e6

    timers = {name: timer(name) for name in names}
    return _perf.timed({"auth": timers}, args, "simplejwt")["auth"], hops


def _django_caches() -> dict[str, Any]:
    from django.conf import settings

    return dict(settings.CACHES)


def _versions() -> dict[str, str]:
    names = ["Django", "djangorestframework", "PyJWT", "djangorestframework-simplejwt"]
    names += ["restflow-core", "restflow-jwt", "redis"]
    return {name: version for name, version in _http.versions(names).items() if version}


def main(argv: list[str] | None = None) -> int:
    parser = _perf.parser(__doc__, DEFAULT_OUTPUT, rounds=7, pin=False, gc_off=True)
    parser.add_argument(
        "--no-pin",
        action="store_true",
        help="do not pin the process to one CPU (a hop to a thread on the other CPU of a "
        "virtual machine costs about twice as much)",
    )
    args = _perf.parse(parser, argv, quick_rounds=3)

    _ensure_bench_python()
    pinned = (
        None
        if args.no_pin or not hasattr(os, "sched_setaffinity")
        else max(os.sched_getaffinity(0))
    )
    if pinned is not None:
        os.sched_setaffinity(0, {pinned})  # the loop and its sync_to_async thread share a CPU
    with tempfile.TemporaryDirectory() as tmp:
        _setup_django(os.path.join(tmp, "bench.sqlite3"))
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.create_user("bench", password="bench")
        loop = asyncio.new_event_loop()
        try:
            tokens = run_tokens(user, args)
            auth, hops = run_auth(user, args, loop)
        finally:
            loop.close()

    tokens_best, auth_best = tokens["best"], auth["best"]
    ratios = {
        "tokens restflow / pyjwt": tokens_best["restflow"] / tokens_best["pyjwt"],
        "tokens simplejwt / pyjwt": tokens_best["simplejwt"] / tokens_best["pyjwt"],
        "auth restflow-sync / simplejwt": auth_best["restflow-sync"] / auth_best["simplejwt"],
        "auth restflow-async / restflow-sync": (
            auth_best["restflow-async"] / auth_best["restflow-sync"]
        ),
        "auth restflow-async+user-cache / restflow-sync": (
            auth_best["restflow-async+user-cache"] / auth_best["restflow-sync"]
        ),
    }
    cache_only = "restflow-async+user-cache"
    on_redis = "restflow-async+redis-blacklist"
    targets = {
        "tokens: restflow <= 1.1x pyjwt": ratios["tokens restflow / pyjwt"] <= 1.1,
        "auth: restflow-sync <= simplejwt": ratios["auth restflow-sync / simplejwt"] <= 1.0,
        "auth: restflow-async <= 1.3x restflow-sync": (
            ratios["auth restflow-async / restflow-sync"] <= 1.3
        ),
        "auth: restflow-async makes at most one thread hop": hops["restflow-async"] <= 1,
        "auth: the LocMem/Redis blacklist check adds no hop": hops.get(on_redis, 1) <= 1,
        "auth: no hop at all with the user cache": hops[cache_only] == 0,
    }

    print(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs")
    print("pinned to CPU " + str(pinned) if pinned is not None else "not pinned")
    print("versions: " + ", ".join(f"{k} {v}" for k, v in _versions().items()))
    print()
    _perf.print_part(f"encode + decode, µs per token ({args.rounds} rounds)", tokens, "pyjwt")
    _perf.print_part("authenticate header -> user, µs per request, hops per request", auth,
                     "simplejwt", {name: f"   hops {count:.0f}" for name, count in hops.items()})  # fmt: skip
    print("\nratios of best rounds")
    for name, value in ratios.items():
        print(f"  {name:<50} {value:6.2f}")
    print("\ntargets")
    for name, ok in targets.items():
        print(f"  {'PASS' if ok else 'FAIL'}  {name}")

    report = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "versions": _versions(),
        "rounds": args.rounds,
        "pinned_cpu": pinned,
        "tokens_us": tokens["rounds"],
        "auth_us": auth["rounds"],
        "tokens": tokens,
        "auth": auth,
        "hops_per_request": hops,
        "ratios": ratios,
        "targets": targets,
    }
    _django.write_results(args.output, report, args.quick)
    return 1 if args.strict and not all(targets.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
