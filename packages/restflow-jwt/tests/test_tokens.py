"""AccessToken and RefreshToken: claims, signing with every algorithm, derivation, rotation."""

from __future__ import annotations

import time
from typing import Any

import jwt as pyjwt
import pytest
from asgiref.sync import sync_to_async
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from jwt_settings import SIGNING_KEY

from jwttests.keys import key_pair
from restflow.authentication import AccessToken, RefreshToken, TokenError
from restflow.authentication.signing import Signer

pytestmark = pytest.mark.django_db(transaction=True)

# every asymmetric algorithm PyJWT offers (with cryptography), as the reference library
ASYMMETRIC = [
    "RS256", "RS384", "RS512",
    "PS256", "PS384", "PS512",
    "ES256", "ES256K", "ES384", "ES512", "ES521",
    "EdDSA",
]  # fmt: skip
HMAC_KEYS = {"HS256": "k" * 32, "HS384": "k" * 48, "HS512": "k" * 64}


def _settings(**jwt: Any) -> Any:
    jwt.setdefault("SIGNING_KEY", SIGNING_KEY)
    return override_settings(RESTFLOW_SETTINGS={"JWT": jwt})


# -- claims ---------------------------------------------------------------------


def test_for_user_sets_type_times_jti_and_user_id(user: Any) -> None:
    before = int(time.time())
    token = AccessToken.for_user(user)
    assert token["token_type"] == "access"
    assert token["user_id"] == user.pk
    assert before <= token["iat"] <= int(time.time())
    assert token["exp"] == token["iat"] + 300  # the default five minutes
    assert len(token.jti) == 32
    assert "nbf" not in token


def test_every_token_gets_its_own_jti(user: Any) -> None:
    jtis = {AccessToken.for_user(user).jti for _ in range(20)}
    jtis |= {RefreshToken.for_user(user).jti for _ in range(20)}
    assert len(jtis) == 40


def test_refresh_token_lives_refresh_token_lifetime(user: Any) -> None:
    from datetime import timedelta

    with _settings(REFRESH_TOKEN_LIFETIME=timedelta(days=7)):
        token = RefreshToken.for_user(user)
    assert token["token_type"] == "refresh"
    assert token["exp"] - token["iat"] == 7 * 24 * 3600


def test_not_before_is_set_only_when_asked(user: Any) -> None:
    token = AccessToken.for_user(user)
    token.set_not_before(time.time() + 60)
    with pytest.raises(TokenError) as caught:
        AccessToken(str(token))
    assert caught.value.reason == "not_yet_valid"


def test_custom_user_id_claim_and_field(user: Any) -> None:
    with _settings(USER_ID_CLAIM="sub", USER_ID_FIELD="username"):
        token = AccessToken.for_user(user)
        assert token["sub"] == "alice"
        assert "user_id" not in token
        assert AccessToken(str(token))["sub"] == "alice"


def test_access_token_from_refresh_keeps_custom_claims_but_gets_new_identity(user: Any) -> None:
    refresh = RefreshToken.for_user(user)
    refresh["scope"] = "read"
    access = refresh.access_token
    assert access["token_type"] == "access"
    assert access["user_id"] == user.pk
    assert access["scope"] == "read"
    assert access.jti != refresh.jti
    assert access["exp"] - access["iat"] == 300


def test_token_round_trips_through_its_encoding(user: Any) -> None:
    token = AccessToken.for_user(user)
    decoded = AccessToken(str(token))
    assert decoded.payload == token.payload
    assert str(decoded) == str(token)
    assert AccessToken.verify(str(token).encode()).jti == token.jti


def test_changing_a_claim_re_signs(user: Any) -> None:
    token = AccessToken.for_user(user)
    first = str(token)
    token["role"] = "admin"
    assert str(token) != first
    assert AccessToken(str(token))["role"] == "admin"


def test_token_is_readable_by_raw_pyjwt(user: Any) -> None:
    token = AccessToken.for_user(user)
    payload = pyjwt.decode(str(token), SIGNING_KEY, algorithms=["HS256"])
    assert payload == token.payload
    assert pyjwt.get_unverified_header(str(token)) == {"alg": "HS256", "typ": "JWT"}


def test_token_of_the_wrong_type_raises_token_error(user: Any) -> None:
    with pytest.raises(TokenError) as caught:
        RefreshToken(str(AccessToken.for_user(user)))
    assert caught.value.reason == "token_type"


# -- algorithms ---------------------------------------------------------------------


@pytest.mark.parametrize("algorithm", sorted(HMAC_KEYS))
def test_hmac_algorithms_sign_and_verify(algorithm: str, user: Any) -> None:
    with _settings(ALGORITHM=algorithm, SIGNING_KEY=HMAC_KEYS[algorithm]):
        token = str(AccessToken.for_user(user))
        assert pyjwt.get_unverified_header(token)["alg"] == algorithm
        assert AccessToken(token)["user_id"] == user.pk
        pyjwt.decode(token, HMAC_KEYS[algorithm], algorithms=[algorithm])


@pytest.mark.parametrize("algorithm", ASYMMETRIC)
def test_asymmetric_algorithms_sign_with_private_and_verify_with_public_key(
    algorithm: str, user: Any
) -> None:
    private, public = key_pair(algorithm)
    with _settings(ALGORITHM=algorithm, SIGNING_KEY=private, VERIFYING_KEY=public):
        token = str(AccessToken.for_user(user))
    assert pyjwt.get_unverified_header(token)["alg"] == algorithm
    assert pyjwt.decode(token, public, algorithms=[algorithm])["user_id"] == user.pk
    with _settings(ALGORITHM=algorithm, SIGNING_KEY=None, VERIFYING_KEY=public):
        assert AccessToken(token)["user_id"] == user.pk  # a verify-only service
        with pytest.raises(ImproperlyConfigured, match="SIGNING_KEY"):
            str(AccessToken.for_user(user))


@pytest.mark.parametrize("algorithm", ASYMMETRIC)
def test_private_key_alone_also_verifies(algorithm: str, user: Any) -> None:
    private, _ = key_pair(algorithm)
    with _settings(ALGORITHM=algorithm, SIGNING_KEY=private):
        assert AccessToken(str(AccessToken.for_user(user)))["user_id"] == user.pk


def test_algorithm_is_pinned_by_settings_not_read_from_the_token(user: Any) -> None:
    private, public = key_pair("RS256")
    with _settings(ALGORITHM="RS384", SIGNING_KEY=private):
        rs384 = str(AccessToken.for_user(user))
    with (
        _settings(ALGORITHM="RS256", SIGNING_KEY=private, VERIFYING_KEY=public),
        pytest.raises(TokenError) as caught,
    ):
        AccessToken(rs384)  # the same key, a validly signed token: still refused
    assert caught.value.reason == "algorithm"


def test_signer_refuses_unloadable_and_missing_keys() -> None:
    with pytest.raises(ImproperlyConfigured, match="cannot be loaded"):
        Signer("RS256", "not a pem key")
    with pytest.raises(ImproperlyConfigured, match="VERIFYING_KEY"):
        Signer("ES256", None, None)
    with pytest.raises(ImproperlyConfigured, match="SIGNING_KEY"):
        Signer("HS256", None)
    _, public = key_pair("RS256")
    with pytest.raises(ImproperlyConfigured, match="private key"):
        Signer("RS256", public)
    with pytest.raises(ImproperlyConfigured, match="not supported"):
        Signer("none", "x" * 32)


def test_missing_cryptography_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    from restflow.authentication import _compat

    monkeypatch.setattr(_compat, "has_cryptography", lambda: False)
    with pytest.raises(ImproperlyConfigured, match=r'pip install "restflow-jwt\[crypto\]"'):
        Signer("ES256", key_pair("ES256")[0])


# -- blacklist and rotation on the token ------------------------------------------------


@pytest.mark.parametrize("path", ["sync", "async"])
async def test_blacklist_revokes_once(path: str, user: Any) -> None:
    token = RefreshToken.for_user(user)
    if path == "sync":
        assert await sync_to_async(token.blacklist)() is True
        assert await sync_to_async(token.blacklist)() is False
        assert await sync_to_async(token.is_blacklisted)() is True
    else:
        assert await token.ablacklist() is True
        assert await token.ablacklist() is False
        assert await token.ais_blacklisted() is True
    with pytest.raises(TokenError):
        await token.acheck_blacklist()
    with pytest.raises(TokenError):
        await sync_to_async(token.check_blacklist)()


@pytest.mark.parametrize("path", ["sync", "async"])
async def test_rotate_issues_a_new_refresh_token_and_revokes_the_old(path: str, user: Any) -> None:
    old = RefreshToken.for_user(user)
    old["scope"] = "read"
    rotate = sync_to_async(old.rotate) if path == "sync" else old.arotate
    new = await rotate()
    assert new.jti != old.jti
    assert new["user_id"] == user.pk
    assert new["scope"] == "read"
    assert new["token_type"] == "refresh"
    assert await old.ais_blacklisted()
    assert not await sync_to_async(new.is_blacklisted)()
    with pytest.raises(TokenError) as caught:
        await rotate()
    assert caught.value.reason == "blacklisted"


def test_rotate_without_blacklisting_does_not_revoke(user: Any) -> None:
    with _settings(BLACKLIST_AFTER_ROTATION=False):
        old = RefreshToken.for_user(user)
        old.rotate()
        assert old.rotate().jti != old.jti
    assert not old.is_blacklisted()


def test_token_class_without_type_is_a_type_error() -> None:
    from restflow.authentication.tokens import Token

    with pytest.raises(TypeError, match="token_type"):
        Token()
