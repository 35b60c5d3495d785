"""JWTAuthentication: sync and async twins, thread hops, user cache, header types, revocation."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.test import AsyncRequestFactory, override_settings
from jwt_settings import SIGNING_KEY
from rest_framework.request import Request

from restflow.authentication import AccessToken, InvalidToken, JWTAuthentication

pytestmark = pytest.mark.django_db(transaction=True)


def _request(authorization: str | None = None, **headers: str) -> Request:
    if authorization is not None:
        headers["Authorization"] = authorization
    return Request(AsyncRequestFactory().get("/", headers=headers))


async def _authenticate(path: str, request: Request) -> Any:
    auth = JWTAuthentication()
    if path == "sync":
        return await sync_to_async(auth.authenticate)(request)
    return await auth.aauthenticate(request)


def _settings(**jwt: Any) -> Any:
    jwt.setdefault("SIGNING_KEY", SIGNING_KEY)
    return override_settings(RESTFLOW_SETTINGS={"JWT": jwt})


@pytest.mark.parametrize("path", ["sync", "async"])
async def test_returns_user_and_token(path: str, user: Any) -> None:
    token = AccessToken.for_user(user)
    found_user, found_token = await _authenticate(path, _request(f"Bearer {token}"))
    assert found_user.pk == user.pk
    assert found_token.jti == token.jti


@pytest.mark.parametrize("path", ["sync", "async"])
@pytest.mark.parametrize("header", [None, "", "Basic YWxpY2U6cHc=", "Token abc"])
async def test_declines_without_a_bearer_header(path: str, header: str | None) -> None:
    assert await _authenticate(path, _request(header)) is None


@pytest.mark.parametrize("path", ["sync", "async"])
async def test_configured_header_types_and_header_name(path: str, user: Any) -> None:
    token = AccessToken.for_user(user)
    with _settings(AUTH_HEADER_TYPES=("JWT", "Bearer"), AUTH_HEADER_NAME="HTTP_X_ACCESS"):
        for kind in ("JWT", "Bearer", "jwt"):
            found = await _authenticate(path, _request(**{"X-Access": f"{kind} {token}"}))
            assert found[0].pk == user.pk
        assert await _authenticate(path, _request(f"Bearer {token}")) is None
        assert JWTAuthentication().authenticate_header(_request()) == 'JWT realm="api"'


LOCMEM_BLACKLIST = {
    "BLACKLIST_BACKEND": "restflow.authentication.blacklist.CacheBlacklistBackend",
    "BLACKLIST_ALLOW_LOCMEM": True,
}


async def test_async_path_makes_one_thread_hop_the_user_query(user: Any, hops: list[Any]) -> None:
    token = AccessToken.for_user(user)
    with _settings(**LOCMEM_BLACKLIST):  # a cache blacklist costs no hop (Redis neither)
        assert (await _authenticate("async", _request(f"Bearer {token}")))[0].pk == user.pk
    assert len(hops) == 1, hops
    assert hops[0].__name__ == "_fetch"  # the user query


async def test_the_database_blacklist_adds_one_hop_for_its_query(
    user: Any, hops: list[Any]
) -> None:
    token = AccessToken.for_user(user)
    assert (await _authenticate("async", _request(f"Bearer {token}")))[0].pk == user.pk
    assert [getattr(hop, "__name__", None) for hop in hops] == ["contains", "_fetch"]


async def test_async_path_declines_and_refuses_without_thread_hops(hops: list[Any]) -> None:
    assert await _authenticate("async", _request()) is None
    with pytest.raises(InvalidToken):
        await _authenticate("async", _request("Bearer x.y.z"))
    assert hops == []


async def test_user_cache_skips_the_query_within_its_ttl(user: Any, hops: list[Any]) -> None:
    token = AccessToken.for_user(user)
    with _settings(USER_CACHE_TTL=30, **LOCMEM_BLACKLIST):
        for _ in range(3):
            assert (await _authenticate("async", _request(f"Bearer {token}")))[0].pk == user.pk
    assert len(hops) == 1, hops


def test_user_cache_still_checks_is_active(user: Any) -> None:
    token = AccessToken.for_user(user)
    auth = JWTAuthentication()
    with _settings(USER_CACHE_TTL=30):
        cached_user, _ = auth.authenticate(_request(f"Bearer {token}"))  # type: ignore[misc]
        cached_user.is_active = False  # the cached object itself changed
        with pytest.raises(InvalidToken):
            auth.authenticate(_request(f"Bearer {token}"))


@pytest.mark.parametrize("path", ["sync", "async"])
async def test_password_change_revokes_tokens_with_check_revoke_token(path: str, user: Any) -> None:
    with _settings(CHECK_REVOKE_TOKEN=True):
        token = AccessToken.for_user(user)
        assert "hash_password" in token
        assert (await _authenticate(path, _request(f"Bearer {token}")))[0].pk == user.pk
        user.set_password("a brand new password")
        await user.asave()
        with pytest.raises(InvalidToken) as caught:
            await _authenticate(path, _request(f"Bearer {token}"))
        assert caught.value.details == {"reason": "user"}


def test_authenticate_header_is_bearer_with_realm() -> None:
    assert JWTAuthentication().authenticate_header(_request()) == 'Bearer realm="api"'
    with _settings(AUTH_REALM="shop"):
        assert JWTAuthentication().authenticate_header(_request()) == 'Bearer realm="shop"'


def test_invalid_token_is_a_drf_authentication_failed() -> None:
    from rest_framework.exceptions import AuthenticationFailed

    error = InvalidToken("bad", details={"reason": "signature"})
    assert isinstance(error, AuthenticationFailed)
    assert error.status_code == 401
