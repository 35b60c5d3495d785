"""restflow-jwt in each combination: alone on a plain DRF view, and its blacklist on Redis."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

pytestmark = [pytest.mark.requires("restflow-jwt"), pytest.mark.django_db]

ENVELOPE = {"EXCEPTION_HANDLER": "restflow.exceptions.exception_handler"}


@pytest.fixture
def alice(db: None) -> Any:
    from django.contrib.auth.models import User

    return User.objects.create_user("alice", password="secret-password")


def _bearer(token: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_a_plain_drf_view_accepts_a_valid_access_token(alice: Any) -> None:
    from restflow.authentication import RefreshToken

    access = RefreshToken.for_user(alice).access_token
    response = APIClient().get("/whoami/", **_bearer(access))
    assert response.status_code == 200
    assert response.json() == {"username": "alice"}


@override_settings(REST_FRAMEWORK=ENVELOPE)
@pytest.mark.parametrize(
    ("header", "reason"),
    [(None, None), ("Bearer not.a.token", "malformed"), ("Bearer", "malformed_header")],
)
def test_a_plain_drf_view_refuses_missing_and_bad_tokens_with_401(
    alice: Any, header: str | None, reason: str | None
) -> None:
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = APIClient().get("/whoami/", **extra)
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == ("not_authenticated" if header is None else "authentication_failed")
    assert response["WWW-Authenticate"].startswith("Bearer")
    if reason:
        assert error["details"]["reason"] == reason


@pytest.mark.requires("restflow-cache", "django-redis", "redis")
def test_a_blacklisted_token_is_refused_through_a_redis_cache(alice: Any) -> None:
    from django.core.cache import caches

    from restflow.authentication import AccessToken

    jwt = {
        "SIGNING_KEY": "integration-tests-signing-key-" + "x" * 32,
        "BLACKLIST_BACKEND": "restflow.authentication.blacklist.CacheBlacklistBackend",
        "BLACKLIST_CACHE_ALIAS": "redis",
        "BLACKLIST_KEY_PREFIX": "restflow-it:blacklist:",
    }
    with override_settings(RESTFLOW_SETTINGS={"JWT": jwt}, REST_FRAMEWORK=ENVELOPE):
        token = AccessToken.for_user(alice)
        assert APIClient().get("/whoami/", **_bearer(token)).status_code == 200
        assert token.blacklist() is True
        keys = caches["redis"].keys("restflow-it:blacklist:*")  # type: ignore[attr-defined]
        assert any(token["jti"] in key for key in keys)
        response = APIClient().get("/whoami/", **_bearer(token))
        assert response.status_code == 401
        assert response.json()["error"]["details"]["reason"] == "blacklisted"
