"""Login throttling: ``TokenObtainView`` limits attempts per client address and per username.

Defaults: 20 per minute per address, 5 per minute per username; scopes
``jwt_login_address`` and ``jwt_login_username`` in DRF's
``DEFAULT_THROTTLE_RATES``. Counting is atomic (cache ``add`` then ``incr``).
"""

from __future__ import annotations

import asyncio
import json
import uuid
import warnings
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from conftest import PASSWORD, Clock, need_cache
from django.core.cache.backends.base import CacheKeyWarning
from django.test import AsyncClient, AsyncRequestFactory, override_settings
from jwt_settings import SIGNING_KEY
from rest_framework.parsers import JSONParser
from rest_framework.request import Request

from jwttests.helpers import PATHS, envelope
from restflow.authentication import checks
from restflow.authentication.throttling import LoginAddressThrottle, LoginUsernameThrottle

pytestmark = pytest.mark.django_db(transaction=True)


async def _login(
    username: Any, password: str = "wrong", *, address: str = "10.0.0.1", url: str = "/token/"
) -> Any:
    """POST credentials from ``address`` (behind one proxy: ``NUM_PROXIES = 1``)."""
    body = json.dumps({"username": username, "password": password})
    return await AsyncClient().post(
        url, body, content_type="application/json", headers={"X-Forwarded-For": address}
    )


def _rates(**rates: Any) -> Any:
    return override_settings(
        REST_FRAMEWORK={
            "EXCEPTION_HANDLER": "restflow.exceptions.exception_handler",
            "NUM_PROXIES": 1,
            "DEFAULT_THROTTLE_RATES": rates,
        }
    )


@pytest.fixture(autouse=True)
def _behind_one_proxy() -> Any:
    with _rates():
        yield


def _codes(responses: list[Any]) -> list[int]:
    return [response.status_code for response in responses]


async def test_forty_wrong_passwords_are_throttled_after_five(user: Any) -> None:
    responses = [await _login("alice") for _ in range(40)]
    assert _codes(responses) == [401] * 5 + [429] * 35
    error = envelope(responses[-1])
    assert error["code"] == "throttled"
    assert 1 <= int(responses[-1]["Retry-After"]) <= 60


async def test_the_username_limit_holds_across_addresses(user: Any) -> None:
    responses = [await _login("alice", address=f"10.0.1.{n}") for n in range(6)]
    assert _codes(responses) == [401] * 5 + [429]
    right_password = await _login("alice", PASSWORD, address="10.0.2.1")
    assert right_password.status_code == 429  # the account's attempts, not the guesser's
    assert (await _login("bob", address="10.0.2.1")).status_code == 401  # others unaffected


async def test_the_address_limit_holds_across_usernames(user: Any) -> None:
    responses = [await _login(f"user-{n}") for n in range(21)]
    assert _codes(responses) == [401] * 20 + [429]
    assert (await _login("alice", PASSWORD, address="10.0.3.1")).status_code == 200


@pytest.mark.parametrize(
    "variant", [" alice", "ALICE", "Alice ", "\uff41\uff4c\uff49\uff43\uff45"], ids=repr
)
async def test_usernames_count_together_once_normalised(user: Any, variant: str) -> None:
    assert _codes([await _login(variant) for _ in range(5)]) == [401] * 5
    assert (await _login("alice", address="10.0.5.1")).status_code == 429


@pytest.mark.parametrize(
    "username",
    ["x" * 10_000, "line\nbreak and spaces", "\ud800", 12345, ["a", "b"], {"a": 1}, None],
    ids=["long", "control_characters", "lone_surrogate", "number", "list", "object", "null"],
)
async def test_any_username_value_gives_a_bounded_key_and_no_server_error(
    user: Any, username: Any
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheKeyWarning)  # keys stay short and plain
        response = await _login(username)
    assert response.status_code in (400, 401), response.content
    envelope(response)


async def test_a_body_that_is_not_an_object_is_a_400(user: Any) -> None:
    for body in ("[1, 2]", '"alice"', "{"):
        response = await AsyncClient().post("/token/", body, content_type="application/json")
        assert response.status_code == 400, (body, response.content)
        assert envelope(response)["code"] in ("validation_error", "parse_error")


# -- concurrency ------------------------------------------------------------------------


async def _fifty_at_once(username: str, address: str) -> list[int]:
    responses = await asyncio.gather(*(_login(username, address=address) for _ in range(50)))
    return sorted(_codes(list(responses)))


async def test_fifty_concurrent_wrong_passwords_let_exactly_five_through(user: Any) -> None:
    assert await _fifty_at_once("alice", "10.0.6.1") == [401] * 5 + [429] * 45


@pytest.mark.parametrize("alias", ["redis", "django_redis"])
async def test_fifty_concurrent_wrong_passwords_on_redis(user: Any, alias: str) -> None:
    need_cache(alias)
    jwt = {"SIGNING_KEY": SIGNING_KEY, "LOGIN_THROTTLE_CACHE_ALIAS": alias}
    tag = uuid.uuid4().hex  # Redis outlives the test: a fresh username and address
    with override_settings(RESTFLOW_SETTINGS={"JWT": jwt}):
        codes = await _fifty_at_once(
            f"mallory-{tag}", f"10.7.{int(tag[:2], 16)}.{int(tag[2:4], 16)}"
        )
    assert codes == [401] * 5 + [429] * 45


# -- configuration ------------------------------------------------------------------------


async def test_rates_are_overridden_in_default_throttle_rates(user: Any) -> None:
    with _rates(jwt_login_username="2/min", jwt_login_address="3/hour"):
        by_user = [await _login("alice", address=f"10.0.7.{n}") for n in range(3)]
        by_address = [await _login(f"user-{n}", address="10.0.8.1") for n in range(4)]
    assert _codes(by_user) == [401, 401, 429]
    assert _codes(by_address) == [401, 401, 401, 429]


async def test_a_rate_of_none_disables_that_limit(user: Any) -> None:
    with _rates(jwt_login_username=None, jwt_login_address=None):
        responses = [await _login("alice") for _ in range(40)]
    assert _codes(responses) == [401] * 40


async def test_a_view_with_its_own_throttle_classes_replaces_the_login_throttles(
    user: Any,
) -> None:
    responses = [await _login("alice", url="/token/unthrottled/") for _ in range(10)]
    assert _codes(responses) == [401] * 10


async def test_default_throttle_classes_still_apply_to_the_token_view(user: Any) -> None:
    settings = {
        "NUM_PROXIES": 1,
        "DEFAULT_THROTTLE_CLASSES": ["jwttests.views.JWTScopedThrottle"],  # "jwt": 2/min
    }
    with override_settings(REST_FRAMEWORK=settings):
        responses = [await _login(f"user-{n}") for n in range(3)]
    assert _codes(responses) == [401, 401, 429]


async def test_a_login_throttle_in_default_throttle_classes_counts_once(user: Any) -> None:
    settings = {
        "NUM_PROXIES": 1,
        "DEFAULT_THROTTLE_CLASSES": ["restflow.authentication.throttling.LoginUsernameThrottle"],
    }
    with override_settings(REST_FRAMEWORK=settings):
        responses = [await _login("alice") for _ in range(6)]
    assert _codes(responses) == [401] * 5 + [429]


# -- the throttle classes, sync and async -------------------------------------------------


def _request(username: str, address: str) -> Request:
    body = json.dumps({"username": username, "password": "x"})
    factory = AsyncRequestFactory()
    django_request = factory.post(
        "/token/", body, content_type="application/json", headers={"X-Forwarded-For": address}
    )
    return Request(django_request, parsers=[JSONParser()])


async def _allow(path: str, throttle: Any, request: Request) -> bool:
    if path == "sync":
        return bool(await sync_to_async(throttle.allow_request)(request, None))
    return bool(await throttle.aallow_request(request, None))


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(
    ("throttle_class", "limit"), [(LoginAddressThrottle, 20), (LoginUsernameThrottle, 5)]
)
async def test_throttle_classes_count_in_fixed_windows_on_both_paths(
    path: str, throttle_class: Any, limit: int, clock: Clock
) -> None:
    clock.now = 1_000_000 * 60 + 10  # ten seconds into a minute
    request = _request(f"victim-{path}", f"10.9.9.{len(path)}")
    admitted = [await _allow(path, throttle_class(), request) for _ in range(limit + 2)]
    assert admitted == [True] * limit + [False, False]
    throttle = throttle_class()
    assert await _allow(path, throttle, request) is False
    assert throttle.wait() == 50  # the rest of the window
    clock.advance(50)  # the next window starts afresh
    assert await _allow(path, throttle_class(), request) is True


async def _attempt(path: str, request: Request) -> bool:
    """Both login throttles asked, every one of them, as DRF's ``check_throttles`` does."""
    answers = [
        await _allow(path, throttle_class(), request)
        for throttle_class in (LoginAddressThrottle, LoginUsernameThrottle)
    ]
    return all(answers)


@pytest.mark.parametrize("path", PATHS)
async def test_an_attempt_the_address_limit_refuses_does_not_count_for_the_username(
    path: str, clock: Clock
) -> None:
    clock.now = 2_000_000 * 60 + 10
    with _rates(jwt_login_address="1/min", jwt_login_username="3/min"):
        from_one_address = [
            await _attempt(path, _request(f"carol-{path}", "10.8.0.1")) for _ in range(4)
        ]
        assert from_one_address == [True, False, False, False]  # the address's limit
        # the account had one attempt that reached the password check: two more are allowed
        others = [await _attempt(path, _request(f"carol-{path}", f"10.8.1.{n}")) for n in range(3)]
    assert others == [True, True, False]


@pytest.mark.parametrize("path", PATHS)
async def test_an_attempt_refused_by_another_limit_still_reports_this_one_s_wait(
    path: str, clock: Clock
) -> None:
    clock.now = 3_000_000 * 3600 + 10
    with _rates(jwt_login_address="1/min", jwt_login_username="1/hour"):
        assert await _attempt(path, _request(f"dave-{path}", "10.8.2.1")) is True
        request = _request(f"dave-{path}", "10.8.2.1")
        address, username = LoginAddressThrottle(), LoginUsernameThrottle()
        assert await _allow(path, address, request) is False
        assert await _allow(path, username, request) is False  # at its limit: refused too
    assert (address.wait(), username.wait()) == (50, 3590)  # Retry-After: the longer


# -- system checks ------------------------------------------------------------------------

LOCMEM = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
REDIS = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://x:1/0"}


def _throttle_ids(
    caches: dict[str, Any], *, debug: bool = False, rates: Any = None, **restflow: Any
) -> list[str]:
    jwt = {"SIGNING_KEY": SIGNING_KEY, **restflow.pop("jwt", {})}
    drf = {"DEFAULT_THROTTLE_RATES": rates or {}}
    with override_settings(
        DEBUG=debug, CACHES=caches, REST_FRAMEWORK=drf, RESTFLOW_SETTINGS={"JWT": jwt, **restflow}
    ):
        return sorted(message.id for message in checks.check_login_throttle())


def test_a_dedicated_shared_cache_passes_the_login_throttle_checks() -> None:
    caches = {"default": REDIS, "logins": REDIS}
    assert _throttle_ids(caches, jwt={"LOGIN_THROTTLE_CACHE_ALIAS": "logins"}) == []


def test_an_unknown_login_throttle_alias_is_e009() -> None:
    ids = _throttle_ids({"default": REDIS}, jwt={"LOGIN_THROTTLE_CACHE_ALIAS": "nope"})
    assert ids == ["restflow_authentication.E009"]


@pytest.mark.parametrize("rate", ["5 per minute", "five/min", "5/fortnight", 5, ["5/min"]])
def test_a_login_rate_that_is_not_a_rate_is_e010(rate: Any) -> None:
    ids = _throttle_ids({"default": REDIS}, rates={"jwt_login_username": rate})
    assert ids == ["restflow_authentication.E010"]


@pytest.mark.parametrize(
    ("backend", "expected"),
    [
        ("django.core.cache.backends.locmem.LocMemCache", ["restflow_authentication.W004"]),
        ("django.core.cache.backends.dummy.DummyCache", ["restflow_authentication.W004"]),
        ("django.core.cache.backends.db.DatabaseCache", ["restflow_authentication.W004"]),
        ("django.core.cache.backends.memcached.PyMemcacheCache", []),
        ("django.core.cache.backends.redis.RedisCache", []),
    ],
)
def test_counting_in_a_per_process_or_non_atomic_cache_warns_outside_debug(
    backend: str, expected: list[str]
) -> None:
    caches = {"default": {"BACKEND": backend, "LOCATION": "x"}}
    assert _throttle_ids(caches) == expected
    assert _throttle_ids(caches, debug=True) == []


@pytest.mark.parametrize("name", ["CACHE", "CACHE_SETTINGS"])
def test_counting_next_to_cached_responses_warns_outside_debug(name: str) -> None:
    section = {name: {"CACHE_ALIAS": "default"}}
    assert _throttle_ids({"default": REDIS}, **section) == ["restflow_authentication.W003"]
    assert _throttle_ids({"default": REDIS}, debug=True, **section) == []
    elsewhere = {"default": REDIS, "logins": REDIS}
    assert _throttle_ids(elsewhere, jwt={"LOGIN_THROTTLE_CACHE_ALIAS": "logins"}, **section) == []


def test_a_disabled_login_throttle_is_not_checked() -> None:
    off = {"jwt_login_username": None, "jwt_login_address": None}
    assert (
        _throttle_ids({"default": LOCMEM}, rates=off, jwt={"LOGIN_THROTTLE_CACHE_ALIAS": "x"}) == []
    )
