"""A revocation outlives every moment its token can validate: ``exp + LEEWAY``, on every backend.

The tokens here expired a few seconds ago but are still valid within the
30-second leeway. Time moves through the ``clock`` fixture (restflow-jwt's
clock); each test also lets the store forget what it may forget (the purge
command for the database backend; the caches expire entries themselves).
"""

from __future__ import annotations

import io
import json
import uuid
from typing import Any

import jwt as pyjwt
import pytest
from asgiref.sync import sync_to_async
from conftest import Clock, need_cache, seconds_left
from django.core.management import call_command
from django.test import AsyncClient, override_settings
from jwt_settings import SIGNING_KEY

from jwttests.helpers import PATHS, bearer, claims, envelope, get
from restflow.authentication import AccessToken, RefreshToken
from restflow.authentication._config import get_config
from restflow.authentication.models import BlacklistedToken

pytestmark = pytest.mark.django_db(transaction=True)

LEEWAY = 30
BACKENDS = ["locmem", "redis", "django_redis", "model"]
CACHE_BACKEND = "restflow.authentication.blacklist.CacheBlacklistBackend"
MODEL_BACKEND = "restflow.authentication.blacklist.ModelBlacklistBackend"


def _settings(backend: str, **jwt: Any) -> Any:
    jwt = {"SIGNING_KEY": SIGNING_KEY, "LEEWAY": LEEWAY, **jwt}
    if backend == "model":
        jwt["BLACKLIST_BACKEND"] = MODEL_BACKEND
    else:
        alias = "default" if backend == "locmem" else backend
        need_cache(alias)
        jwt.update(
            BLACKLIST_BACKEND=CACHE_BACKEND,
            BLACKLIST_CACHE_ALIAS=alias,
            BLACKLIST_KEY_PREFIX=f"leeway-{uuid.uuid4().hex}:",
        )
    return override_settings(RESTFLOW_SETTINGS={"JWT": jwt})


def _in_leeway(user: Any, clock: Clock, **extra: Any) -> str:
    """A token that expired 5 s ago: still valid for LEEWAY - 5 seconds."""
    payload = claims(user, exp=int(clock.now) - 5, jti=uuid.uuid4().hex, **extra)
    return pyjwt.encode(payload, SIGNING_KEY, algorithm="HS256")


async def _forget() -> None:
    """What may run between two requests: the purge command and the backend's own purge."""
    await sync_to_async(call_command)("purge_blacklisted_tokens", stdout=io.StringIO())
    await sync_to_async(get_config().blacklist.purge_expired)()


async def _post(url: str, data: Any) -> Any:
    return await AsyncClient().post(url, json.dumps(data), content_type="application/json")


def _refused(response: Any, reason: str) -> None:
    assert response.status_code == 401, response.content
    assert envelope(response)["details"]["reason"] == reason


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("backend", BACKENDS)
async def test_a_revoked_access_token_stays_refused_after_exp_within_the_leeway(
    backend: str, path: str, user: Any, clock: Clock
) -> None:
    raw = _in_leeway(user, clock)
    with _settings(backend):
        token = AccessToken(raw)
        if path == "sync":
            assert await sync_to_async(token.blacklist)() is True
        else:
            assert await token.ablacklist() is True
        await _forget()
        _refused(await get(path, f"/jwt/{path}/", **bearer(raw)), "blacklisted")
        clock.advance(LEEWAY - 5 + 1)  # past exp + LEEWAY (+ the one-second margin)
        _refused(await get(path, f"/jwt/{path}/", **bearer(raw)), "expired")


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("backend", BACKENDS)
async def test_a_rotated_refresh_token_replayed_within_the_leeway_cannot_mint_a_pair(
    backend: str, path: str, user: Any, clock: Clock
) -> None:
    raw = _in_leeway(user, clock, token_type="refresh")
    with _settings(backend, ROTATE_REFRESH_TOKENS=True):
        if path == "sync":
            rotated = await sync_to_async(lambda: str(RefreshToken(raw).rotate()))()
        else:
            first = await _post("/token/refresh/", {"refresh": raw})
            assert first.status_code == 200, first.content
            rotated = first.json()["refresh"]
        await _forget()
        replay = await _post("/token/refresh/", {"refresh": raw})
        assert (await _post("/token/refresh/", {"refresh": rotated})).status_code == 200
    _refused(replay, "blacklisted")


def test_purge_keeps_the_rows_of_tokens_still_valid_within_the_leeway(clock: Clock) -> None:
    with _settings("model"):
        backend = get_config().blacklist
        backend.add("in-leeway", clock.now - 5)
        backend.add("beyond", clock.now - LEEWAY - 2)
        out = io.StringIO()
        call_command("purge_blacklisted_tokens", stdout=out)
        assert "Deleted 1 expired blacklisted token(s)." in out.getvalue()
        assert list(BlacklistedToken.objects.values_list("jti", flat=True)) == ["in-leeway"]
        clock.advance(LEEWAY - 5)  # the token's last valid moment: the row must stay
        assert backend.purge_expired() == 0
        clock.advance(1)  # and the one-second margin
        assert BlacklistedToken.cleanup_expired() == 1


@pytest.mark.parametrize("name", ["locmem", "redis", "django_redis"])
async def test_a_cache_entry_lives_until_exp_plus_the_leeway(name: str, clock: Clock) -> None:
    """Caches expire entries by their own clock: the entry's lifetime is asserted instead."""
    with _settings(name):
        backend: Any = get_config().blacklist
        await backend.aadd("async-jti", clock.now - 5)
        await sync_to_async(backend.add)("sync-jti", clock.now + 50)
        for jti, remaining in (("async-jti", LEEWAY - 5), ("sync-jti", 50 + LEEWAY)):
            left = seconds_left(backend, jti)
            assert remaining <= left <= remaining + 1, (jti, left)  # + the 1 s margin
