"""SPEC's security list: every bad token is a 401 in the envelope, on both paths, never a 500."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any

import jwt as pyjwt
import pytest
from django.test import override_settings
from jwt_settings import SIGNING_KEY

from jwttests.helpers import (
    HS256_HEADER,
    PATHS,
    b64,
    bearer,
    claims,
    envelope,
    forge,
    get,
    nested_token,
    raw_hs256,
)
from jwttests.keys import key_pair
from restflow.authentication import AccessToken, RefreshToken

pytestmark = pytest.mark.django_db(transaction=True)


def _url(path: str) -> str:
    return f"/jwt/{path}/"


def _signed(payload: dict[str, Any], key: str = SIGNING_KEY, algorithm: str = "HS256") -> str:
    return pyjwt.encode(payload, key, algorithm=algorithm)


async def _maybe_await(result: Any) -> Any:
    return await result if hasattr(result, "__await__") else result


def _assert_refused(response: Any, reason: str | None = None) -> dict[str, Any]:
    assert response.status_code == 401, response.content
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    error = envelope(response)
    assert error["code"] == "authentication_failed"
    if reason is not None:
        assert error["details"]["reason"] == reason
    return error


@pytest.mark.parametrize("path", PATHS)
async def test_a_valid_access_token_authenticates(path: str, user: Any) -> None:
    token = AccessToken.for_user(user)
    response = await get(path, _url(path), **bearer(token))
    assert response.status_code == 200, response.content
    assert response.json() == {"user": "alice", "jti": token.jti}


_CASES: dict[str, Callable[[Any], tuple[str, str]]] = {
    "alg_none": lambda user: (forge({"alg": "none", "typ": "JWT"}, claims(user)), "algorithm"),
    "alg_none_with_signature": lambda user: (
        forge({"alg": "none"}, claims(user), b"sig"),
        "algorithm",
    ),
    "other_hmac_algorithm": lambda user: (
        _signed(claims(user), algorithm="HS512"),
        "algorithm",
    ),
    "wrong_signature": lambda user: (
        _signed(claims(user), key="another-key-of-sufficient-length-0123456789abcdef"),
        "signature",
    ),
    "tampered_payload": lambda user: (
        _tamper(_signed(claims(user)), claims(user, user_id=999)),
        "signature",
    ),
    "expired": lambda user: (_signed(claims(user, exp=int(time.time()) - 5)), "expired"),
    "not_yet_valid": lambda user: (
        _signed(claims(user, nbf=int(time.time()) + 60)),
        "not_yet_valid",
    ),
    "issued_in_the_future": lambda user: (
        _signed(claims(user, iat=int(time.time()) + 60)),
        "not_yet_valid",
    ),
    "no_exp": lambda user: (_signed(claims(user, exp=None)), "claims"),
    "exp_not_a_number": lambda user: (_signed(claims(user, exp="tomorrow")), "claims"),
    "no_jti": lambda user: (_signed(claims(user, jti=None)), "claims"),
    "no_user_id": lambda user: (_signed(claims(user, user_id=None)), "claims"),
    "unexpected_audience": lambda user: (_signed(claims(user, aud="someone")), "audience"),
    "refresh_token_as_access": lambda user: (str(RefreshToken.for_user(user)), "token_type"),
    "no_token_type": lambda user: (_signed(claims(user, token_type=None)), "token_type"),
    "unknown_user": lambda user: (_signed(claims(user, user_id=424242)), "user"),
    "user_id_of_wrong_type": lambda user: (_signed(claims(user, user_id="not-a-number")), "user"),
    "two_segments": lambda user: ("abc.def", "malformed"),
    "garbage_base64": lambda user: ("@@@.###.$$$", "malformed"),
    "stray_characters_in_signature": lambda user: (_signed(claims(user)) + "!", "malformed"),
    "standard_base64_alphabet": lambda user: (_signed(claims(user))[:-4] + "+/+/", "malformed"),
    "header_not_json": lambda user: (f"{b64(b'nope')}.{b64(b'{}')}.{b64(b'x')}", "malformed"),
    "payload_not_an_object": lambda user: (raw_hs256(b"[1, 2]"), "malformed"),
    "payload_not_json": lambda user: (raw_hs256(b"not json"), "malformed"),
    "oversized": lambda user: ("a" * 5000 + ".b.c", "too_long"),
    "crit_header": lambda user: (
        pyjwt.encode(claims(user), SIGNING_KEY, algorithm="HS256", headers={"crit": ["x"]}),
        "malformed",
    ),
}


def _tamper(token: str, payload: dict[str, Any]) -> str:
    header, _, signature = token.split(".")
    return f"{header}.{b64(json.dumps(payload).encode())}.{signature}"


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("case", sorted(_CASES))
async def test_bad_token_is_refused_with_401_and_envelope(path: str, case: str, user: Any) -> None:
    token, reason = _CASES[case](user)
    response = await get(path, _url(path), **bearer(token))
    _assert_refused(response, reason)


# 1,000 levels fits under the default MAX_TOKEN_LENGTH (and is too deep for Python 3.11's JSON
# decoder); 100,000 is too deep for every supported Python, with the length limit raised.
NESTING = {"1000_levels": (1_000, 4096), "100000_levels": (100_000, 1_000_000)}


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("where", ["header", "payload"])
@pytest.mark.parametrize("nesting", sorted(NESTING))
async def test_deeply_nested_json_in_a_token_is_malformed_not_a_500(
    path: str, where: str, nesting: str, user: Any
) -> None:
    depth, max_length = NESTING[nesting]
    jwt = {"SIGNING_KEY": SIGNING_KEY, "MAX_TOKEN_LENGTH": max_length}
    with override_settings(RESTFLOW_SETTINGS={"JWT": jwt}):
        response = await get(path, _url(path), **bearer(nested_token(where, depth)))
    _assert_refused(response, "malformed")


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer a b", "Bearer  ", "bearer"],
    ids=["no_token", "two_tokens", "blank_token", "lower_case_no_token"],
)
async def test_malformed_bearer_header_is_refused(path: str, header: str, user: Any) -> None:
    response = await get(path, _url(path), Authorization=header)
    _assert_refused(response, "malformed_header")


@pytest.mark.parametrize("path", PATHS)
async def test_non_ascii_token_is_refused(path: str, user: Any) -> None:
    from django.test import AsyncRequestFactory

    from restflow.authentication import JWTAuthentication
    from restflow.authentication.exceptions import InvalidToken

    request = AsyncRequestFactory().get("/", headers={"Authorization": "Bearer é.é.é"})
    auth = JWTAuthentication()
    call = auth.authenticate if path == "sync" else auth.aauthenticate
    with pytest.raises(InvalidToken) as caught:
        await _maybe_await(call(request))  # type: ignore[arg-type]
    assert caught.value.details == {"reason": "malformed"}


@pytest.mark.parametrize("path", PATHS)
async def test_no_header_is_401_not_authenticated(path: str, user: Any) -> None:
    response = await get(path, _url(path))
    assert response.status_code == 401
    assert envelope(response)["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.parametrize("path", PATHS)
async def test_blacklisted_access_token_is_refused(path: str, user: Any) -> None:
    token = AccessToken.for_user(user)
    assert await token.ablacklist() is True
    _assert_refused(await get(path, _url(path), **bearer(token)), "blacklisted")


@pytest.mark.parametrize("path", PATHS)
async def test_inactive_user_is_refused(path: str, user: Any) -> None:
    token = AccessToken.for_user(user)
    user.is_active = False
    await user.asave()
    _assert_refused(await get(path, _url(path), **bearer(token)), "user")


@pytest.mark.parametrize("path", PATHS)
async def test_inactive_user_passes_when_check_user_is_active_is_off(path: str, user: Any) -> None:
    token = AccessToken.for_user(user)
    user.is_active = False
    await user.asave()
    jwt = {"SIGNING_KEY": SIGNING_KEY, "CHECK_USER_IS_ACTIVE": False}
    with override_settings(RESTFLOW_SETTINGS={"JWT": jwt}):
        response = await get(path, _url(path), **bearer(token))
    assert response.status_code == 200
    assert response.json()["user"] == "alice"


@pytest.mark.parametrize("path", PATHS)
async def test_deleted_user_is_refused(path: str, user: Any) -> None:
    token = AccessToken.for_user(user)
    await user.adelete()
    _assert_refused(await get(path, _url(path), **bearer(token)), "user")


@pytest.mark.parametrize("path", PATHS)
async def test_expired_token_passes_within_leeway_and_fails_beyond(path: str, user: Any) -> None:
    jwt = {"SIGNING_KEY": SIGNING_KEY, "LEEWAY": 60}
    within = _signed(claims(user, exp=int(time.time()) - 30))
    beyond = _signed(claims(user, exp=int(time.time()) - 90))
    with override_settings(RESTFLOW_SETTINGS={"JWT": jwt}):
        assert (await get(path, _url(path), **bearer(within))).status_code == 200
        _assert_refused(await get(path, _url(path), **bearer(beyond)), "expired")
    _assert_refused(await get(path, _url(path), **bearer(within)), "expired")


@pytest.mark.parametrize("path", PATHS)
async def test_issuer_and_audience_are_checked_when_configured(path: str, user: Any) -> None:
    jwt = {"SIGNING_KEY": SIGNING_KEY, "ISSUER": "https://auth.example", "AUDIENCE": ["api", "web"]}
    with override_settings(RESTFLOW_SETTINGS={"JWT": jwt}):
        good = AccessToken.for_user(user)
        assert good["iss"] == "https://auth.example"
        assert (await get(path, _url(path), **bearer(good))).status_code == 200
        one_audience = _signed(claims(user, iss="https://auth.example", aud="web"))
        assert (await get(path, _url(path), **bearer(one_audience))).status_code == 200
        cases = {
            "issuer": claims(user, iss="https://evil.example", aud="api"),
            "audience": claims(user, iss="https://auth.example", aud="mobile"),
        }
        for reason, payload in cases.items():
            _assert_refused(await get(path, _url(path), **bearer(_signed(payload))), reason)
        no_iss = claims(user, aud="api")
        _assert_refused(await get(path, _url(path), **bearer(_signed(no_iss))), "issuer")
        no_aud = claims(user, iss="https://auth.example")
        _assert_refused(await get(path, _url(path), **bearer(_signed(no_aud))), "audience")


@pytest.mark.parametrize("path", PATHS)
async def test_hs256_token_signed_with_the_rsa_public_key_is_refused(path: str, user: Any) -> None:
    private, public = key_pair("RS256")
    jwt = {"ALGORITHM": "RS256", "SIGNING_KEY": private, "VERIFYING_KEY": public}
    with override_settings(RESTFLOW_SETTINGS={"JWT": jwt}):
        good = AccessToken.for_user(user)
        assert (await get(path, _url(path), **bearer(good))).status_code == 200
        signing_input = f"{HS256_HEADER}.{b64(json.dumps(claims(user)).encode())}".encode()
        signature = hmac.new(public.encode(), signing_input, hashlib.sha256).digest()
        confused = f"{signing_input.decode()}.{b64(signature)}"
        _assert_refused(await get(path, _url(path), **bearer(confused)), "algorithm")
