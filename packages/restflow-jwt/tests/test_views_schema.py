"""The schema hooks of the token views describe what the views really accept and answer.

``get_request_serializer_class()``, ``get_response_serializer_class()`` and
``schema_error_responses`` are read by schema generators (restflow-spectacular);
here each is checked against real responses of the views.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import PASSWORD
from django.test import AsyncClient, override_settings
from jwt_settings import SIGNING_KEY

from jwttests.helpers import envelope
from restflow.authentication import RefreshToken
from restflow.authentication.serializers import (
    TokenBlacklistSerializer,
    TokenObtainSerializer,
    TokenRefreshSerializer,
)
from restflow.authentication.views import (
    TokenBlacklistResponseSerializer,
    TokenBlacklistView,
    TokenObtainResponseSerializer,
    TokenObtainView,
    TokenRefreshResponseSerializer,
    TokenRefreshView,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _settings(**jwt: Any) -> Any:
    return override_settings(RESTFLOW_SETTINGS={"JWT": {"SIGNING_KEY": SIGNING_KEY, **jwt}})


async def _post(url: str, data: Any) -> Any:
    return await AsyncClient().post(url, json.dumps(data), content_type="application/json")


def _assert_matches(body: dict[str, Any], serializer_class: type) -> None:
    """``body`` has exactly the declared fields, every required one among them."""
    fields = serializer_class().fields
    assert set(body) <= set(fields), body
    assert {name for name, field in fields.items() if field.required} <= set(body), body
    assert serializer_class(data=body).is_valid(), body


@pytest.mark.parametrize(
    ("view", "request_class", "response_class"),
    [
        (TokenObtainView, TokenObtainSerializer, TokenObtainResponseSerializer),
        (TokenRefreshView, TokenRefreshSerializer, TokenRefreshResponseSerializer),
        (TokenBlacklistView, TokenBlacklistSerializer, TokenBlacklistResponseSerializer),
    ],
    ids=["obtain", "refresh", "blacklist"],
)
def test_hooks_name_the_request_and_response_serializers(
    view: Any, request_class: type, response_class: type
) -> None:
    instance = view()
    assert instance.get_request_serializer_class() is request_class
    assert instance.get_response_serializer_class() is response_class
    assert 401 in view.schema_error_responses


def test_only_the_blacklist_view_declares_503() -> None:
    assert 503 in TokenBlacklistView.schema_error_responses
    assert 503 not in TokenObtainView.schema_error_responses
    assert 503 not in TokenRefreshView.schema_error_responses


def test_a_subclass_request_hook_is_the_serializer_that_validates() -> None:
    class Strict(TokenRefreshSerializer):
        pass

    class Custom(TokenRefreshView):
        def get_request_serializer_class(self) -> Any:
            return Strict

    view = Custom()
    view.request = None
    assert type(view.get_serializer(data={})) is Strict


async def test_obtain_body_matches_its_response_serializer(user: Any) -> None:
    response = await _post("/token/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 200
    _assert_matches(response.json(), TokenObtainResponseSerializer)


@pytest.mark.parametrize("rotate", [False, True], ids=["plain", "rotating"])
async def test_refresh_body_matches_its_response_serializer(user: Any, rotate: bool) -> None:
    with _settings(ROTATE_REFRESH_TOKENS=rotate):
        refresh = str(RefreshToken.for_user(user))
        response = await _post("/token/refresh/", {"refresh": refresh})
    assert response.status_code == 200
    _assert_matches(response.json(), TokenRefreshResponseSerializer)
    assert ("refresh" in response.json()) is rotate


async def test_blacklist_body_matches_its_empty_response_serializer(user: Any) -> None:
    response = await _post("/token/blacklist/", {"refresh": str(RefreshToken.for_user(user))})
    assert response.status_code == 200
    assert response.json() == {}
    _assert_matches(response.json(), TokenBlacklistResponseSerializer)


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/token/", {"username": "alice", "password": "wrong"}),
        ("/token/refresh/", {"refresh": "bad-signature"}),
        ("/token/blacklist/", {"refresh": "bad-signature"}),
    ],
    ids=["obtain", "refresh", "blacklist"],
)
async def test_declared_401_is_what_bad_credentials_get(user: Any, url: str, data: Any) -> None:
    if data.get("refresh") == "bad-signature":
        data = {"refresh": str(RefreshToken.for_user(user))[:-4] + "AAAA"}
    response = await _post(url, data)
    assert response.status_code == 401
    assert envelope(response)["code"]
