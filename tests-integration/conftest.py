"""Settings and rules for tests-integration/: one pytest session per package combination.

The hatch environment of a combination (``it-*`` in hatch.toml) says what it
promises through environment variables:

``RESTFLOW_EXPECT``
    restflow distributions installed, by short name (``core,views,filters``;
    ``meta`` for the meta-package). ``test_isolation.py`` asserts exactly these.
``RESTFLOW_EXTRAS``
    extras installed, as requirement strings separated by spaces
    (``restflow-cache[redis,rq]``); the distributions they pull in are promised.
``RESTFLOW_SERVICES``
    services the combination runs against (``redis``, ``postgres``).
``RESTFLOW_MIN_TESTS``
    how many tests at least must run.

Tests declare what they need with ``@pytest.mark.requires("restflow-filters",
"django-redis", "redis")``: distribution names, or the services ``redis``
(``REDIS_URL``) and ``postgres`` (``DATABASE_URL``). A missing one skips the
test with the way to get it. With ``CI=true`` (or ``RESTFLOW_STRICT=1``) a
skip caused by something the combination promised is a failure, and the
session fails when fewer than ``RESTFLOW_MIN_TESTS`` tests ran or the
isolation tests did not run.

Databases and caches: SQLite in memory and LocMem by default; PostgreSQL
from ``DATABASE_URL`` when it is set and psycopg is installed; a Redis cache
from ``REDIS_URL`` when it is set and django-redis is installed (the
``default`` cache in combinations that promise ``redis``, else the
``redis`` alias).
"""

from __future__ import annotations

import importlib.metadata as md
import importlib.util
import os
import re
import sys
from pathlib import Path
from typing import Any

import django
import pytest
from django.conf import settings
from packaging.requirements import Requirement

sys.path.insert(0, str(Path(__file__).parent))

from combo_support import SUBPACKAGES, expected
from combo_support.session import KEY_PREFIX
from testsupport.ci import strict
from testsupport.services import HINT, database_from_url
from testsupport.settings import LOCMEM, SESSIONS_AND_AUTH, SQLITE

SERVICES = {
    "redis": ("REDIS_URL", "a Redis server"),
    "postgres": ("DATABASE_URL", "a PostgreSQL server"),
}


def _csv(name: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, "").split(",") if part.strip()]


def canonical(name: str) -> str:
    """PEP 503 normalised distribution name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def dist_name(short: str) -> str:
    """``filters`` -> ``restflow-filters``; ``meta`` -> ``restflow``."""
    return "restflow" if short == "meta" else f"restflow-{short}"


EXPECT = expected()
PROMISED_SERVICES = set(_csv("RESTFLOW_SERVICES"))
STRICT = strict()
COMBINATION = os.environ.get("HATCH_ENV_ACTIVE", "this environment")


def is_installed(distribution: str) -> bool:
    try:
        md.distribution(distribution)
    except md.PackageNotFoundError:
        return False
    return True


def _requirements_of(distribution: str, extras: set[str], seen: set[str]) -> set[str]:
    """Distributions that ``distribution[extras]`` requires, following restflow siblings."""
    found: set[str] = set()
    try:
        raw = md.requires(distribution) or []
    except md.PackageNotFoundError:
        return found
    for line in raw:
        req = Requirement(line)
        wanted = req.marker is None or any(
            req.marker.evaluate({"extra": extra}) for extra in (extras or {""})
        )
        if not wanted:
            continue
        name = canonical(req.name)
        found.add(name)
        key = f"{name}[{','.join(sorted(req.extras))}]"
        if name.startswith("restflow") and key not in seen:
            seen.add(key)
            found |= _requirements_of(name, set(req.extras), seen)
    return found


def promised_distributions() -> set[str]:
    """Every distribution this combination promises: its restflow ones, their requirements, the extras'."""
    promised = {dist_name(short) for short in EXPECT}
    seen: set[str] = set()
    for name in list(promised):
        promised |= _requirements_of(name, set(), seen)
    for spec in os.environ.get("RESTFLOW_EXTRAS", "").split():
        req = Requirement(spec)
        promised.add(canonical(req.name))
        promised |= _requirements_of(canonical(req.name), set(req.extras), seen)
    return promised


PROMISED = promised_distributions()


def missing(need: str) -> str | None:
    """Why ``need`` (a distribution or a service) is unavailable, or None when it is there."""
    if need in SERVICES:
        variable, what = SERVICES[need]
        if not os.environ.get(variable):
            return f"needs {need} ({what} in ${variable}; {HINT})"
        return None
    if not is_installed(need):
        return f"needs {need} (pip install {need})"
    return None


def is_promised(need: str) -> bool:
    return need in PROMISED_SERVICES if need in SERVICES else canonical(need) in PROMISED


# --------------------------------------------------------------------------- Django settings


def _database() -> dict[str, Any]:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")) and importlib.util.find_spec("psycopg"):
        return database_from_url(url)
    return dict(SQLITE)


def _caches() -> dict[str, Any]:
    caches: dict[str, Any] = {"default": dict(LOCMEM), "locmem": dict(LOCMEM)}
    url = os.environ.get("REDIS_URL")
    if url and importlib.util.find_spec("django_redis"):
        redis = {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": KEY_PREFIX,
        }
        caches["redis"] = redis
        if "redis" in PROMISED_SERVICES:
            caches["default"] = redis
    return caches


def _installed_apps() -> list[str]:
    apps = [
        "django.contrib.contenttypes",
        "django.contrib.auth",
        "django.contrib.sessions",
        "rest_framework",
    ]
    if importlib.util.find_spec("restflow.core"):
        apps.append("restflow.core")
    if importlib.util.find_spec("restflow.authentication"):
        apps.append("restflow.authentication")
    if importlib.util.find_spec("drf_spectacular"):
        apps.append("drf_spectacular")
    if importlib.util.find_spec("django_q"):
        apps.append("django_q")
    apps += ["combo_support", "docs_support"]
    return apps


def pytest_configure(config: pytest.Config) -> None:
    if settings.configured:
        return
    redis_url = os.environ.get("REDIS_URL")
    settings.configure(
        DEBUG=False,
        SECRET_KEY="restflow-integration-tests-not-secret",
        ALLOWED_HOSTS=["*"],
        USE_TZ=True,
        DATABASES={"default": _database()},
        CACHES=_caches(),
        INSTALLED_APPS=_installed_apps(),
        MIDDLEWARE=SESSIONS_AND_AUTH,
        ROOT_URLCONF="combo_support.urls",
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        Q_CLUSTER={"name": "restflow-it", "redis": redis_url or "redis://127.0.0.1:6379/0"},
        RESTFLOW_SETTINGS={
            "JWT": {
                "SIGNING_KEY": "integration-tests-signing-key-" + "x" * 32,
                # revocations in the database (the app is installed with restflow-jwt)
                "BLACKLIST_BACKEND": "restflow.authentication.blacklist.ModelBlacklistBackend",
            }
        },
    )
    django.setup()


# --------------------------------------------------------------------------- requires marker


def pytest_runtest_setup(item: pytest.Item) -> None:
    for mark in item.iter_markers("requires"):
        for need in mark.args:
            problem = missing(need)
            if problem is None:
                continue
            if STRICT and is_promised(need):
                pytest.fail(
                    f"{problem}; {COMBINATION} promises it, so with CI=true this is a failure, "
                    "not a skip",
                    pytrace=False,
                )
            pytest.skip(problem)


def _promised_culprit(reason: str) -> str | None:
    """A promised distribution, subpackage or service variable named in a skip reason."""
    modules = {f"restflow.{sub}" for short in EXPECT for sub in SUBPACKAGES.get(short, ())}
    variables = {SERVICES[s][0] for s in PROMISED_SERVICES if s in SERVICES}
    for token in re.findall(r"[A-Za-z0-9_.\-\[\]$]+", reason):
        token = token.strip(".$[]()'\"`")
        if token in modules or token in variables or canonical(token) in PROMISED:
            return token
    return None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """With CI=true, turn a skip caused by something promised (e.g. importorskip) into a failure."""
    outcome = yield
    report = outcome.get_result()
    if not (STRICT and report.skipped) or hasattr(report, "wasxfail"):
        return
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    culprit = _promised_culprit(reason)
    if culprit:
        report.outcome = "failed"
        report.longrepr = f"skipped ({reason}), but {COMBINATION} promises {culprit}: with CI=true that is a failure"


# --------------------------------------------------------------------------- minimum executed tests

_ran: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" and not report.skipped:
        _ran.append(report.nodeid)


def _minimum_problems(config: pytest.Config) -> list[str]:
    if not STRICT or config.option.keyword or config.option.markexpr or config.option.collectonly:
        return []
    problems = []
    minimum = int(os.environ.get("RESTFLOW_MIN_TESTS", "1"))
    if len(_ran) < minimum:
        problems.append(f"only {len(_ran)} test(s) ran; {COMBINATION} expects at least {minimum}")
    if not any("test_isolation.py" in nodeid for nodeid in _ran):
        problems.append("the isolation tests did not run")
    return problems


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _minimum_problems(session.config):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    for problem in _minimum_problems(config):
        terminalreporter.write_line(f"ERROR: {problem} (RESTFLOW_MIN_TESTS)", red=True, bold=True)
