"""Async-aware Basic, Token, Session and RemoteUser authentication, sync and async side by side."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from conftest import PASSWORD
from django.test import AsyncClient, AsyncRequestFactory, Client
from rest_framework.authtoken.models import Token
from rest_framework.request import Request

from jwttests.helpers import PATHS, envelope
from restflow.authentication import (
    BasicAuthentication,
    RemoteUserAuthentication,
    SessionAuthentication,
    TokenAuthentication,
)
from restflow.core.fallback import HookMode, hook_mode

pytestmark = pytest.mark.django_db(transaction=True)


async def _call(path: str, method: str, url: str, client: Any = None, **headers: str) -> Any:
    if path == "sync":
        client = client or Client()
        return await sync_to_async(getattr(client, method))(url, headers=headers)
    client = client or AsyncClient()
    return await getattr(client, method)(url, headers=headers)


def _basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


@pytest.mark.parametrize(
    "cls",
    [BasicAuthentication, TokenAuthentication, SessionAuthentication, RemoteUserAuthentication],
)
def test_each_wrapper_has_a_native_async_twin(cls: type) -> None:
    assert hook_mode(cls, "authenticate") is HookMode.NATIVE


# -- Basic --------------------------------------------------------------------------


@pytest.mark.parametrize("path", PATHS)
async def test_basic_authenticates_good_credentials(path: str, user: Any) -> None:
    response = await _call(path, "get", f"/basic/{path}/", Authorization=_basic("alice", PASSWORD))
    assert response.status_code == 200
    assert response.json()["user"] == "alice"


@pytest.mark.parametrize("path", PATHS)
async def test_basic_refuses_bad_credentials_with_envelope(path: str, user: Any) -> None:
    response = await _call(path, "get", f"/basic/{path}/", Authorization=_basic("alice", "nope"))
    assert response.status_code == 401
    assert envelope(response)["code"] == "authentication_failed"
    assert response["WWW-Authenticate"] == 'Basic realm="api"'


async def test_basic_declines_on_the_loop_without_credentials(hops: list[Any]) -> None:
    for headers in ({}, {"Authorization": "Bearer x"}):
        assert await BasicAuthentication().aauthenticate(_drf_request(**headers)) is None
    assert hops == []


async def test_basic_view_without_credentials_is_401(user: Any) -> None:
    response = await AsyncClient().get("/basic/async/")
    assert response.status_code == 401
    assert envelope(response)["code"] == "not_authenticated"


# -- Token ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", PATHS)
async def test_token_authenticates_a_known_key(path: str, user: Any) -> None:
    key = (await Token.objects.acreate(user=user)).key
    response = await _call(path, "get", f"/token/{path}/", Authorization=f"Token {key}")
    assert response.status_code == 200
    assert response.json()["user"] == "alice"


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(
    "header", ["Token unknown", "Token", "Token a b"], ids=["unknown", "empty", "spaces"]
)
async def test_token_refuses_bad_headers_with_envelope(path: str, header: str, user: Any) -> None:
    response = await _call(path, "get", f"/token/{path}/", Authorization=header)
    assert response.status_code == 401
    assert envelope(response)["code"] == "authentication_failed"


@pytest.mark.parametrize("path", PATHS)
async def test_token_refuses_inactive_user(path: str, user: Any) -> None:
    key = (await Token.objects.acreate(user=user)).key
    user.is_active = False
    await user.asave()
    response = await _call(path, "get", f"/token/{path}/", Authorization=f"Token {key}")
    assert response.status_code == 401
    assert envelope(response)["message"] == "User inactive or deleted."


async def test_token_async_lookup_is_one_thread_hop(user: Any, hops: list[Any]) -> None:
    key = (await Token.objects.acreate(user=user)).key
    hops.clear()
    request = _drf_request(Authorization=f"Token {key}")
    found_user, token = await TokenAuthentication().aauthenticate(request)  # type: ignore[misc]
    assert (found_user.pk, token.key) == (user.pk, key)
    assert len(hops) == 1


async def test_token_subclass_overriding_authenticate_credentials_is_honoured(user: Any) -> None:
    seen: list[str] = []

    class Custom(TokenAuthentication):
        def authenticate_credentials(self, key: str) -> Any:
            seen.append(key)
            return user, None

    assert await Custom().aauthenticate(_drf_request(Authorization="Token k1")) == (user, None)
    assert seen == ["k1"]


# -- Session --------------------------------------------------------------------------


@pytest.mark.parametrize("path", PATHS)
async def test_session_authenticates_a_logged_in_user(path: str, user: Any) -> None:
    client: Any = Client() if path == "sync" else AsyncClient()
    if path == "sync":
        await sync_to_async(client.force_login)(user)
    else:
        await client.aforce_login(user)
    response = await _call(path, "get", f"/session/{path}/", client=client)
    assert response.status_code == 200
    assert response.json()["user"] == "alice"


@pytest.mark.parametrize("path", PATHS)
async def test_session_enforces_csrf_on_unsafe_methods(path: str, user: Any) -> None:
    client: Any = (
        Client(enforce_csrf_checks=True)
        if path == "sync"
        else AsyncClient(enforce_csrf_checks=True)
    )
    if path == "sync":
        await sync_to_async(client.force_login)(user)
    else:
        await client.aforce_login(user)
    response = await _call(path, "post", f"/session/{path}/", client=client)
    assert response.status_code == 403
    error = envelope(response)
    assert error["code"] == "permission_denied"
    assert "CSRF" in error["message"]


@pytest.mark.parametrize("path", PATHS)
async def test_session_without_login_is_anonymous(path: str, user: Any) -> None:
    response = await _call(path, "get", f"/session/{path}/")
    assert response.status_code == 403  # SessionAuthentication has no WWW-Authenticate
    assert envelope(response)["code"] == "not_authenticated"


async def _session(path: str, request: Any) -> Any:
    auth = SessionAuthentication()
    if path == "sync":
        return await sync_to_async(auth.authenticate)(request)
    return await auth.aauthenticate(request)


@pytest.mark.parametrize("path", PATHS)
async def test_session_without_a_user_middleware_declines(path: str, hops: list[Any]) -> None:
    assert await _session(path, _drf_request()) is None
    if path == "async":
        assert hops == []  # on the loop


@pytest.mark.parametrize("path", PATHS)
async def test_session_takes_the_user_another_middleware_set(path: str, user: Any) -> None:
    django_request = AsyncRequestFactory().get("/")
    django_request.user = user  # a middleware of the project's, without Django's auser()
    assert await _session(path, Request(django_request)) == (user, None)


# -- RemoteUser -----------------------------------------------------------------------


async def _remote(path: str, username: str) -> Any:
    """Authenticate a request whose ``META["REMOTE_USER"]`` is set (ASGI has no such header)."""
    request = _drf_request()
    request._request.META["REMOTE_USER"] = username
    auth = RemoteUserAuthentication()
    if path == "sync":
        return await sync_to_async(auth.authenticate)(request)
    return await auth.aauthenticate(request)


@pytest.mark.parametrize("path", PATHS)
async def test_remote_user_authenticates_and_creates_unknown_users(path: str, user: Any) -> None:
    assert (await _remote(path, "alice"))[0].pk == user.pk
    created, _ = await _remote(path, f"new-{path}")
    assert created.get_username() == f"new-{path}"
    assert created.pk != user.pk


@pytest.mark.parametrize("path", PATHS)
async def test_remote_user_inactive_is_anonymous(path: str, user: Any) -> None:
    user.is_active = False
    await user.asave()
    assert await _remote(path, "alice") is None


async def test_remote_user_view_on_the_sync_path(user: Any) -> None:
    response = await sync_to_async(Client().get)("/remote/sync/", REMOTE_USER="alice")
    assert response.json()["user"] == "alice"


async def test_remote_user_declines_on_the_loop_without_the_header(hops: list[Any]) -> None:
    assert await RemoteUserAuthentication().aauthenticate(_drf_request()) is None
    assert hops == []


def _drf_request(**headers: str) -> Any:
    return Request(AsyncRequestFactory().get("/", headers=headers))
