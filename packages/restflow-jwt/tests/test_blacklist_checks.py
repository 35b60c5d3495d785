"""Where revocations live: the database by default, and checks refusing caches that can lose them.

A revocation kept in a cache that culls, evicts, forgets or is filled by
anyone's requests can vanish, and the revoked token works again. Outside
DEBUG such a configuration fails ``manage.py check``; in DEBUG it warns.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.core import checks as django_checks
from django.core.cache import caches
from django.test import AsyncClient, override_settings
from jwt_settings import SIGNING_KEY

from jwttests.helpers import PATHS, bearer, envelope, get
from restflow.authentication import AccessToken, ModelBlacklistBackend, RefreshToken, checks
from restflow.authentication._config import get_config

pytestmark = pytest.mark.django_db(transaction=True)

CACHE_BACKEND = "restflow.authentication.blacklist.CacheBlacklistBackend"
LOCMEM = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
REDIS = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://x:1/0"}
LOSING = {
    "locmem": LOCMEM,
    "file": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": "/x"},
    "database": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "t"},
    "memcached": {
        "BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
        "LOCATION": "127.0.0.1:11211",
    },
    "dummy": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}


def _blacklist_messages(
    alias: str, cache: dict[str, Any], *, debug: bool = False, **settings: Any
) -> list[Any]:
    """``check_blacklist`` for the cache backend on ``alias`` (the only cache but ``default``)."""
    jwt = {
        "SIGNING_KEY": SIGNING_KEY,
        "BLACKLIST_BACKEND": CACHE_BACKEND,
        "BLACKLIST_CACHE_ALIAS": alias,
        **settings.pop("jwt", {}),
    }
    all_caches = {"default": LOCMEM, alias: cache} if alias != "default" else {"default": cache}
    with override_settings(
        DEBUG=debug, CACHES=all_caches, RESTFLOW_SETTINGS={"JWT": jwt}, **settings
    ):
        return list(checks.check_blacklist())


# -- the default --------------------------------------------------------------------


def test_the_default_blacklist_is_the_database() -> None:
    with override_settings(RESTFLOW_SETTINGS={"JWT": {"SIGNING_KEY": SIGNING_KEY}}):
        assert isinstance(get_config().blacklist, ModelBlacklistBackend)
        assert list(checks.check_blacklist()) == []


@pytest.mark.parametrize("path", PATHS)
async def test_anonymous_traffic_filling_the_default_cache_does_not_revive_revoked_tokens(
    path: str, user: Any
) -> None:
    access = AccessToken.for_user(user)
    refresh = str(RefreshToken.for_user(user))
    if path == "sync":
        assert await sync_to_async(access.blacklist)() is True
    else:
        assert await access.ablacklist() is True
    logout = await AsyncClient().post(
        "/token/blacklist/", json.dumps({"refresh": refresh}), content_type="application/json"
    )
    assert logout.status_code == 200
    cache = caches["default"]  # what cache_response, cache_result and throttles fill
    for index in range(400):
        await sync_to_async(cache.set)(f"anonymous-response-{index}", "x" * 100)
    refused = await get(path, f"/jwt/{path}/", **bearer(access))
    assert refused.status_code == 401
    assert envelope(refused)["details"]["reason"] == "blacklisted"
    replay = await AsyncClient().post(
        "/token/refresh/", json.dumps({"refresh": refresh}), content_type="application/json"
    )
    assert replay.status_code == 401
    assert envelope(replay)["details"]["reason"] == "blacklisted"


# -- (a) a cache that can lose entries ------------------------------------------------


@pytest.mark.parametrize("kind", sorted(LOSING))
def test_a_cache_blacklist_that_can_lose_entries_fails_the_check_outside_debug(kind: str) -> None:
    [error] = _blacklist_messages("blacklist", LOSING[kind])
    assert error.id == "restflow_authentication.E007"
    assert error.level == django_checks.ERROR
    assert "'blacklist'" in error.msg
    assert "ModelBlacklistBackend" in error.hint
    assert "noeviction" in error.hint


@pytest.mark.parametrize("kind", sorted(LOSING))
def test_in_debug_a_cache_blacklist_that_can_lose_entries_is_a_warning(kind: str) -> None:
    [warning] = _blacklist_messages("blacklist", LOSING[kind], debug=True)
    assert warning.id == "restflow_authentication.W001"
    assert warning.level == django_checks.WARNING


def test_locmem_is_named_per_process_and_offers_the_opt_in() -> None:
    [error] = _blacklist_messages("blacklist", LOCMEM)
    assert "per process" in error.msg
    assert "BLACKLIST_ALLOW_LOCMEM" in error.hint


@pytest.mark.parametrize("debug", [False, True])
def test_blacklist_allow_locmem_opts_into_a_per_process_locmem_blacklist(debug: bool) -> None:
    allowed = {"BLACKLIST_ALLOW_LOCMEM": True}
    assert _blacklist_messages("blacklist", LOCMEM, debug=debug, jwt=allowed) == []
    [error] = _blacklist_messages("blacklist", LOSING["file"], jwt=allowed)  # LocMem only
    assert error.id == "restflow_authentication.E007"


def test_a_dedicated_redis_alias_passes_and_the_docs_name_the_eviction_policy() -> None:
    assert _blacklist_messages("blacklist", REDIS) == []


# -- (b) an alias that anyone's requests fill ----------------------------------------------

_SHARED: dict[str, tuple[dict[str, Any], str]] = {
    "restflow_cache_section": (
        {"RESTFLOW_SETTINGS_EXTRA": {"CACHE": {"CACHE_ALIAS": "blacklist"}}},
        "RESTFLOW_SETTINGS['CACHE']['CACHE_ALIAS']",
    ),
    "restflow_cache_section_under_its_old_name": (
        {"RESTFLOW_SETTINGS_EXTRA": {"CACHE_SETTINGS": {"CACHE_ALIAS": "blacklist"}}},
        "restflow-cache's cached responses",
    ),
    "drf_throttles": (
        {
            "REST_FRAMEWORK": {
                "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
                "DEFAULT_THROTTLE_RATES": {"anon": "10/min"},
            }
        },
        "AnonRateThrottle",
    ),
    "throttle_with_cache_alias": (
        {"REST_FRAMEWORK": {"DEFAULT_THROTTLE_CLASSES": ["jwttests.views.CountersThrottle"]}},
        "CountersThrottle",
    ),
    "login_throttle": (
        {"JWT_EXTRA": {"LOGIN_THROTTLE_CACHE_ALIAS": "blacklist"}},
        "LOGIN_THROTTLE_CACHE_ALIAS",
    ),
    "sessions": (
        {
            "SESSION_ENGINE": "django.contrib.sessions.backends.cache",
            "SESSION_CACHE_ALIAS": "blacklist",
        },
        "SESSION_CACHE_ALIAS",
    ),
    "cache_middleware": (
        {
            "MIDDLEWARE": ["django.middleware.cache.UpdateCacheMiddleware"],
            "CACHE_MIDDLEWARE_ALIAS": "blacklist",
        },
        "CACHE_MIDDLEWARE_ALIAS",
    ),
}


def _shared_messages(case: str, *, debug: bool = False) -> list[Any]:
    extra, _ = _SHARED[case]
    extra = dict(extra)
    restflow = extra.pop("RESTFLOW_SETTINGS_EXTRA", {})
    jwt = {"SIGNING_KEY": SIGNING_KEY, "BLACKLIST_BACKEND": CACHE_BACKEND}
    jwt.update(extra.pop("JWT_EXTRA", {}))
    jwt["BLACKLIST_CACHE_ALIAS"] = "default" if case == "drf_throttles" else "blacklist"
    caches_ = {"default": REDIS, "blacklist": REDIS}
    with override_settings(
        DEBUG=debug, CACHES=caches_, RESTFLOW_SETTINGS={"JWT": jwt, **restflow}, **extra
    ):
        return list(checks.check_blacklist())


@pytest.mark.parametrize("case", sorted(_SHARED))
def test_a_cache_blacklist_sharing_an_alias_anyone_fills_fails_the_check(case: str) -> None:
    [error] = _shared_messages(case)
    assert error.id == "restflow_authentication.E008"
    assert _SHARED[case][1] in error.msg
    assert "ModelBlacklistBackend" in error.hint
    [warning] = _shared_messages(case, debug=True)
    assert warning.id == "restflow_authentication.W002"


def test_restflow_caching_installed_without_its_section_caches_responses_in_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django.apps import apps

    installed = apps.is_installed
    monkeypatch.setattr(
        apps, "is_installed", lambda name: name == "restflow.caching" or installed(name)
    )
    jwt = {"SIGNING_KEY": SIGNING_KEY, "BLACKLIST_BACKEND": CACHE_BACKEND}
    with override_settings(CACHES={"default": REDIS}, RESTFLOW_SETTINGS={"JWT": jwt}):
        [error] = checks.check_blacklist()
    assert error.id == "restflow_authentication.E008"
    assert "restflow-cache" in error.msg


@pytest.mark.parametrize("path", PATHS)
async def test_the_database_blacklist_without_its_app_names_the_fix_at_first_use(
    path: str, user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``manage.py check`` runs the E004 check only when the app is installed; use says it too."""
    from django.apps import apps
    from django.core.exceptions import ImproperlyConfigured

    token = AccessToken.for_user(user)
    monkeypatch.setattr(apps, "is_installed", lambda name: name != "restflow.authentication")
    check = sync_to_async(token.is_blacklisted) if path == "sync" else token.ais_blacklisted
    with (
        override_settings(RESTFLOW_SETTINGS={"JWT": {"SIGNING_KEY": SIGNING_KEY}}),
        pytest.raises(ImproperlyConfigured, match=r"INSTALLED_APPS.*migrate"),
    ):
        await check()
