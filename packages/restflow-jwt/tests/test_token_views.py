"""TokenObtainView, TokenRefreshView, TokenBlacklistView: flows, errors, rotation races."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from conftest import PASSWORD
from django.test import AsyncClient, Client, override_settings
from jwt_settings import SIGNING_KEY

from jwttests.helpers import bearer, envelope, nested_token
from restflow.authentication import AccessToken, RefreshToken

pytestmark = pytest.mark.django_db(transaction=True)

MODEL_BACKEND = "restflow.authentication.blacklist.ModelBlacklistBackend"
LOCMEM_BLACKLIST = {
    "BLACKLIST_BACKEND": "restflow.authentication.blacklist.CacheBlacklistBackend",
    "BLACKLIST_ALLOW_LOCMEM": True,
}


def _settings(**jwt: Any) -> Any:
    jwt.setdefault("SIGNING_KEY", SIGNING_KEY)
    return override_settings(RESTFLOW_SETTINGS={"JWT": jwt})


async def _post(url: str, data: Any, client: AsyncClient | None = None) -> Any:
    return await (client or AsyncClient()).post(
        url, json.dumps(data), content_type="application/json"
    )


# -- obtain ------------------------------------------------------------------------


async def test_obtain_returns_a_working_token_pair(user: Any) -> None:
    response = await _post("/token/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"refresh", "access"}
    refresh, access = RefreshToken(body["refresh"]), AccessToken(body["access"])
    assert refresh["user_id"] == access["user_id"] == user.pk
    whoami = await AsyncClient().get("/jwt/async/", headers=bearer(body["access"]))
    assert whoami.json()["user"] == "alice"


@pytest.mark.parametrize(
    "credentials",
    [
        {"username": "alice", "password": "wrong"},
        {"username": "nobody", "password": PASSWORD},
    ],
    ids=["wrong_password", "unknown_user"],
)
async def test_obtain_with_bad_credentials_is_401(user: Any, credentials: dict[str, str]) -> None:
    response = await _post("/token/", credentials)
    assert response.status_code == 401
    error = envelope(response)
    assert error["code"] == "authentication_failed"
    assert error["message"] == "No active account found with the given credentials."


async def test_obtain_for_inactive_user_is_401(user: Any) -> None:
    user.is_active = False
    await user.asave()
    response = await _post("/token/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 401
    assert envelope(response)["code"] == "authentication_failed"


async def test_obtain_follows_the_user_authentication_rule(user: Any) -> None:
    credentials = {"username": "alice", "password": PASSWORD}
    with _settings(USER_AUTHENTICATION_RULE="jwttests.helpers.staff_only"):
        refused = await _post("/token/", credentials)
        user.is_staff = True
        await user.asave()
        allowed = await _post("/token/", credentials)
    assert refused.status_code == 401
    assert envelope(refused)["code"] == "authentication_failed"
    assert allowed.status_code == 200


async def test_obtain_with_missing_fields_is_400_with_field_details(user: Any) -> None:
    response = await _post("/token/", {"username": "alice"})
    assert response.status_code == 400
    error = envelope(response)
    assert error["code"] == "validation_error"
    assert set(error["details"]) == {"password"}


async def test_obtain_with_a_non_json_body_is_400(user: Any) -> None:
    response = await AsyncClient().post("/token/", "{", content_type="application/json")
    assert response.status_code == 400
    assert envelope(response)["code"] == "parse_error"


async def test_obtain_answers_get_with_405(user: Any) -> None:
    response = await AsyncClient().get("/token/")
    assert response.status_code == 405
    assert envelope(response)["code"] == "method_not_allowed"


async def test_obtain_updates_last_login_when_asked(user: Any) -> None:
    assert user.last_login is None
    with _settings(UPDATE_LAST_LOGIN=True):
        response = await _post("/token/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 200
    await user.arefresh_from_db()
    assert user.last_login is not None


async def test_obtain_is_throttle_friendly(user: Any) -> None:
    credentials = {"username": "alice", "password": "wrong"}
    codes = [(await _post("/token/throttled/", credentials)).status_code for _ in range(3)]
    assert codes == [401, 401, 429]
    response = await _post("/token/throttled/", credentials)
    assert envelope(response)["code"] == "throttled"
    assert "Retry-After" in response


# -- refresh -----------------------------------------------------------------------


async def test_refresh_returns_a_new_access_token(user: Any) -> None:
    refresh = RefreshToken.for_user(user)
    response = await _post("/token/refresh/", {"refresh": str(refresh)})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access"}
    assert AccessToken(body["access"])["user_id"] == user.pk
    assert not await refresh.ais_blacklisted()


async def test_refresh_with_rotation_returns_a_new_pair_and_revokes_the_old(user: Any) -> None:
    refresh = RefreshToken.for_user(user)
    with _settings(ROTATE_REFRESH_TOKENS=True):
        first = await _post("/token/refresh/", {"refresh": str(refresh)})
        again = await _post("/token/refresh/", {"refresh": str(refresh)})
        body = first.json()
        assert set(body) == {"access", "refresh"}
        assert RefreshToken(body["refresh"]).jti != refresh.jti
        assert (await _post("/token/refresh/", {"refresh": body["refresh"]})).status_code == 200
    assert first.status_code == 200
    assert again.status_code == 401
    assert envelope(again)["details"]["reason"] == "blacklisted"


@pytest.mark.parametrize(
    "make",
    [
        lambda user: str(AccessToken.for_user(user)),
        lambda user: str(RefreshToken.for_user(user))[:-4] + "AAAA",
    ],
    ids=["access_token_as_refresh", "bad_signature"],
)
async def test_refresh_with_an_invalid_token_is_401(user: Any, make: Any) -> None:
    response = await _post("/token/refresh/", {"refresh": make(user)})
    assert response.status_code == 401
    assert envelope(response)["code"] == "authentication_failed"


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/token/refresh/", "refresh"),
        ("/token/blacklist/", "refresh"),
        ("/token/blacklist/", "access"),
    ],
)
@pytest.mark.parametrize(
    "make",
    [
        lambda: "not-a-token",
        lambda: "a.b",
        lambda: nested_token("header", 1_000),
        lambda: nested_token("payload", 1_000),
        lambda: nested_token("header", 100_000),
        lambda: nested_token("payload", 100_000),
    ],
    ids=["garbage", "two_segments", "header_1k", "payload_1k", "header_100k", "payload_100k"],
)
async def test_a_body_value_that_is_not_a_token_is_400_on_its_field(
    user: Any, url: str, field: str, make: Any
) -> None:
    data = {"refresh": str(RefreshToken.for_user(user))}
    data[field] = make()
    with _settings(MAX_TOKEN_LENGTH=1_000_000):
        response = await _post(url, data)
    assert response.status_code == 400, response.content
    error = envelope(response)
    assert error["code"] == "validation_error"
    assert list(error["details"]) == [field]
    assert error["details"][field][0]


async def test_a_body_token_over_max_token_length_is_400(user: Any) -> None:
    with _settings(MAX_TOKEN_LENGTH=64):
        response = await _post("/token/refresh/", {"refresh": str(RefreshToken.for_user(user))})
    assert response.status_code == 400
    assert envelope(response)["details"] == {"refresh": ["The token is too long."]}


async def test_refresh_for_a_deleted_or_inactive_user_is_401(user: Any) -> None:
    refresh = str(RefreshToken.for_user(user))
    user.is_active = False
    await user.asave()
    inactive = await _post("/token/refresh/", {"refresh": refresh})
    await user.adelete()
    deleted = await _post("/token/refresh/", {"refresh": refresh})
    for response in (inactive, deleted):
        assert response.status_code == 401
        assert envelope(response)["details"]["reason"] == "user"


async def test_refresh_of_a_blacklisted_token_is_401(user: Any) -> None:
    refresh = RefreshToken.for_user(user)
    await refresh.ablacklist()
    response = await _post("/token/refresh/", {"refresh": str(refresh)})
    assert response.status_code == 401
    assert envelope(response)["details"]["reason"] == "blacklisted"


# -- rotation races ----------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["cache", "model"])
async def test_concurrent_async_refreshes_with_one_token_at_most_one_wins(
    user: Any, backend: str
) -> None:
    extra = {"BLACKLIST_BACKEND": MODEL_BACKEND} if backend == "model" else LOCMEM_BLACKLIST
    with _settings(ROTATE_REFRESH_TOKENS=True, **extra):
        refresh = str(RefreshToken.for_user(user))
        responses = await asyncio.gather(
            *(_post("/token/refresh/", {"refresh": refresh}) for _ in range(5))
        )
    codes = sorted(response.status_code for response in responses)
    assert codes == [200, 401, 401, 401, 401]


def test_concurrent_sync_refreshes_in_threads_at_most_one_wins(user: Any) -> None:
    # The cache backend only: SQLite's shared in-memory test database locks a table for
    # concurrent writers from threads; the model backend's race runs on the async path above.
    with _settings(ROTATE_REFRESH_TOKENS=True, **LOCMEM_BLACKLIST):
        refresh = str(RefreshToken.for_user(user))

        def post(_: int) -> int:
            response = Client().post(
                "/token/refresh/", {"refresh": refresh}, content_type="application/json"
            )
            return int(response.status_code)

        with ThreadPoolExecutor(4) as pool:
            codes = sorted(pool.map(post, range(4)))
    assert codes == [200, 401, 401, 401]


async def test_rotation_race_on_redis(user: Any, redis_alias: str) -> None:
    with _settings(
        ROTATE_REFRESH_TOKENS=True,
        BLACKLIST_BACKEND=LOCMEM_BLACKLIST["BLACKLIST_BACKEND"],
        BLACKLIST_CACHE_ALIAS=redis_alias,
    ):
        refresh = str(RefreshToken.for_user(user))
        responses = await asyncio.gather(
            *(_post("/token/refresh/", {"refresh": refresh}) for _ in range(5))
        )
    assert sorted(response.status_code for response in responses) == [200, 401, 401, 401, 401]


# -- blacklist (logout) -------------------------------------------------------------------


async def test_blacklist_view_revokes_refresh_and_access_tokens(user: Any) -> None:
    refresh = RefreshToken.for_user(user)
    access = refresh.access_token
    response = await _post("/token/blacklist/", {"refresh": str(refresh), "access": str(access)})
    assert response.status_code == 200
    assert response.json() == {}
    assert (await _post("/token/refresh/", {"refresh": str(refresh)})).status_code == 401
    refused = await AsyncClient().get("/jwt/async/", headers=bearer(access))
    assert refused.status_code == 401
    assert envelope(refused)["details"]["reason"] == "blacklisted"


async def test_blacklisting_twice_is_401(user: Any) -> None:
    refresh = str(RefreshToken.for_user(user))
    assert (await _post("/token/blacklist/", {"refresh": refresh})).status_code == 200
    again = await _post("/token/blacklist/", {"refresh": refresh})
    assert again.status_code == 401
    assert envelope(again)["details"]["reason"] == "blacklisted"


async def test_blacklist_view_refuses_invalid_tokens(user: Any) -> None:
    refresh = str(RefreshToken.for_user(user))
    for data in (
        {"refresh": str(AccessToken.for_user(user))},
        {"refresh": refresh, "access": refresh},
    ):
        response = await _post("/token/blacklist/", data)
        assert response.status_code == 401
        assert envelope(response)["details"]["reason"] == "token_type"
    assert not await RefreshToken(refresh).ais_blacklisted()  # nothing revoked when one is invalid


async def test_blacklist_view_when_blacklisting_is_disabled_is_503(user: Any) -> None:
    with _settings(BLACKLIST_ENABLED=False):
        refresh = str(RefreshToken.for_user(user))
        response = await _post("/token/blacklist/", {"refresh": refresh})
    assert response.status_code == 503
    assert envelope(response)["code"] == "service_unavailable"
