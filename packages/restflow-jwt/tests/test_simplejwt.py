"""The simplejwt extra: simplejwt's validation with an async user lookup."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.test import AsyncRequestFactory
from rest_framework.request import Request

from jwttests.helpers import PATHS, bearer, envelope, get

pytest.importorskip("rest_framework_simplejwt", reason="needs the simplejwt extra")

from rest_framework_simplejwt.tokens import AccessToken as SimpleAccessToken

from restflow.authentication.simplejwt import SimpleJWTAuthentication

pytestmark = pytest.mark.django_db(transaction=True)


def _request(token: object) -> Request:
    return Request(AsyncRequestFactory().get("/", headers=bearer(token)))


async def _authenticate(path: str, auth: Any, request: Request) -> Any:
    if path == "sync":
        return await sync_to_async(auth.authenticate)(request)
    return await auth.aauthenticate(request)


def test_it_is_simplejwt_authentication_with_an_async_twin() -> None:
    from rest_framework_simplejwt.authentication import JWTAuthentication

    assert issubclass(SimpleJWTAuthentication, JWTAuthentication)
    assert SimpleJWTAuthentication.__module__ == "restflow.authentication.simplejwt"
    import restflow.authentication.simplejwt as module

    assert module.SimpleJWTAuthentication is SimpleJWTAuthentication  # built once


@pytest.mark.parametrize("path", PATHS)
async def test_simplejwt_token_authenticates_on_both_paths(path: str, user: Any) -> None:
    token = SimpleAccessToken.for_user(user)
    response = await get(path, f"/simplejwt/{path}/", **bearer(token))
    assert response.status_code == 200, response.content
    assert response.json()["user"] == "alice"


async def test_async_path_is_one_thread_hop(user: Any, hops: list[Any]) -> None:
    token = SimpleAccessToken.for_user(user)
    found, _ = await SimpleJWTAuthentication().aauthenticate(_request(token))
    assert found.pk == user.pk
    assert len(hops) == 1


@pytest.mark.parametrize("path", PATHS)
async def test_bad_tokens_are_401_with_envelope(path: str, user: Any) -> None:
    token = SimpleAccessToken.for_user(user)
    for bad in ("garbage", str(token)[:-3] + "abc"):
        response = await get(path, f"/simplejwt/{path}/", **bearer(bad))
        assert response.status_code == 401
        assert envelope(response)["code"] == "authentication_failed"


@pytest.mark.parametrize("path", PATHS)
async def test_deleted_and_inactive_users_are_refused_like_simplejwt(path: str, user: Any) -> None:
    from rest_framework.exceptions import AuthenticationFailed

    token = SimpleAccessToken.for_user(user)
    auth = SimpleJWTAuthentication()
    user.is_active = False
    await user.asave()
    with pytest.raises(AuthenticationFailed) as inactive:
        await _authenticate(path, auth, _request(token))
    await user.adelete()
    with pytest.raises(AuthenticationFailed) as deleted:
        await _authenticate(path, auth, _request(token))
    assert inactive.value.detail["code"] == "user_inactive"  # type: ignore[index,call-overload]
    assert deleted.value.detail["code"] == "user_not_found"  # type: ignore[index,call-overload]


@pytest.mark.parametrize("path", PATHS)
async def test_token_without_user_id_is_refused(path: str, user: Any) -> None:
    from rest_framework.exceptions import AuthenticationFailed

    token = SimpleAccessToken.for_user(user)
    del token["user_id"]
    with pytest.raises(AuthenticationFailed):
        await _authenticate(path, SimpleJWTAuthentication(), _request(token))


async def test_other_header_declines_without_a_hop(hops: list[Any]) -> None:
    request = Request(AsyncRequestFactory().get("/", headers={"Authorization": "Basic eA=="}))
    assert await SimpleJWTAuthentication().aauthenticate(request) is None
    assert hops == []


async def test_subclass_overriding_get_user_is_called_in_a_thread(user: Any) -> None:
    seen: list[Any] = []

    class Custom(SimpleJWTAuthentication):  # type: ignore[misc,valid-type]
        def get_user(self, validated_token: Any) -> Any:
            seen.append(validated_token["user_id"])
            return user

    token = SimpleAccessToken.for_user(user)
    found, _ = await Custom().aauthenticate(_request(token))
    assert found is user
    assert seen == [str(user.pk)]  # simplejwt stores the id as a string


@pytest.mark.parametrize("path", PATHS)
async def test_password_change_revokes_with_simplejwt_check_revoke_token(
    path: str, user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # simplejwt captures its settings object at import, so override_settings cannot reach
    # its modules: switch the flag on the objects they hold.
    from rest_framework.exceptions import AuthenticationFailed
    from rest_framework_simplejwt import authentication, tokens

    for module in (authentication, tokens):
        monkeypatch.setattr(module.api_settings, "CHECK_REVOKE_TOKEN", True)
    token = SimpleAccessToken.for_user(user)
    assert (await _authenticate(path, SimpleJWTAuthentication(), _request(token)))[0] == user
    user.set_password("changed password")
    await user.asave()
    with pytest.raises(AuthenticationFailed) as caught:
        await _authenticate(path, SimpleJWTAuthentication(), _request(token))
    assert caught.value.detail["code"] == "password_changed"  # type: ignore[index,call-overload]
