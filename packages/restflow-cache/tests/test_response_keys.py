"""What a cached response is keyed on, so that no client is served another client's response.

Scheme, host (with its port), path and query; the request headers the response's ``Vary``
names; the active language and time zone. Sync DRF views and restflow async views side by
side, through Django's test clients (real middleware), on LocMem, a file cache (generation
counters) and Redis.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth.models import User
from django.test import AsyncClient, Client, override_settings
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from restflow.caching import (
    DefaultResponseKeyConstructor,
    QueryParamsKeyField,
    cache_response,
)
from restflow.core import AsyncAPIView
from testsupport.clock import Clock

pytestmark = pytest.mark.django_db

STATUS = "X-Cache-Status"
SESSIONS = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
LOCALE = "django.middleware.locale.LocaleMiddleware"


@pytest.fixture(autouse=True)
def _site() -> Iterator[None]:
    with override_settings(
        ROOT_URLCONF="cachetests.vary_views",
        ALLOWED_HOSTS=[".example.com", "testserver"],
        MIDDLEWARE=SESSIONS,
        SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies",
    ):
        yield


@pytest.fixture(params=["sync", "async"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


class HostAsyncClient(AsyncClient):
    """An ``AsyncClient`` whose ``host`` header, when one is given, replaces its default one."""

    def request(self, **scope: Any) -> Any:
        headers = scope["headers"]
        if sum(name == b"host" for name, _ in headers) > 1:
            scope["headers"] = [h for h in headers if h != (b"host", b"testserver")]
        return super().request(**scope)


class Browser:
    """One client (its own cookies) of the ``kind`` views on cache ``alias``."""

    def __init__(self, kind: str, alias: str) -> None:
        self.kind = kind
        self.client: Any = Client() if kind == "sync" else HostAsyncClient()
        self.prefix = f"/{alias}/{kind}/"

    def get(self, scenario: str, query: str = "", **options: Any) -> Any:
        url = f"{self.prefix}{scenario}/{query}"
        if self.kind == "sync":
            return self.client.get(url, **options)
        return async_to_sync(self.client.get)(url, **options)

    def login(self, user: Any) -> None:
        if self.kind == "sync":
            self.client.force_login(user)
        else:
            async_to_sync(self.client.aforce_login)(user)


@pytest.fixture
def browser(kind: str, alias: str) -> Any:
    return lambda: Browser(kind, alias)


def served(response: Any) -> tuple[str, dict[str, Any]]:
    assert response.status_code == 200, response.content
    return response[STATUS], response.json()


class TestSchemeAndHost:
    def test_a_request_on_another_port_does_not_poison_the_absolute_urls(
        self, browser: Any
    ) -> None:
        client = browser()
        status, poisoned = served(client.get("absolute", headers={"host": "testserver:6666"}))
        assert status == "MISS" and poisoned["next"].startswith("http://testserver:6666/")
        status, body = served(client.get("absolute"))
        assert status == "MISS" and "6666" not in body["self"] + body["next"]
        assert body["next"] == f"http://testserver{client.prefix}absolute/?page=2"
        assert served(client.get("absolute"))[0] == "HIT"
        again = served(client.get("absolute", headers={"host": "testserver:6666"}))
        assert again == ("HIT", poisoned)

    def test_another_allowed_host_gets_its_own_entry(self, browser: Any) -> None:
        client = browser()
        served(client.get("absolute", headers={"host": "evil.example.com"}))
        status, body = served(client.get("absolute", headers={"host": "api.example.com"}))
        assert status == "MISS" and body["self"].startswith("http://api.example.com/")

    def test_a_host_outside_allowed_hosts_is_refused_not_served_from_the_cache(
        self, browser: Any
    ) -> None:
        client = browser()
        served(client.get("absolute"))
        with override_settings(REST_FRAMEWORK={}):  # DRF's own exception handler
            refused = client.get("absolute", headers={"host": "evil.org"})
        assert refused.status_code == 400 and STATUS not in refused

    def test_https_and_http_are_cached_apart(self, browser: Any) -> None:
        client = browser()
        assert served(client.get("absolute", secure=True))[1]["self"].startswith("https://")
        status, body = served(client.get("absolute"))
        assert status == "MISS" and body["self"].startswith("http://testserver/")
        assert served(client.get("absolute", secure=True))[0] == "HIT"

    def test_the_query_string_is_part_of_the_key(self, browser: Any) -> None:
        client = browser()
        served(client.get("absolute", "?page=3"))
        status, body = served(client.get("absolute", "?page=4"))
        assert status == "MISS" and body["self"].endswith("?page=4")


class TestVary:
    def test_each_language_of_a_response_varying_on_accept_language_is_kept_apart(
        self, browser: Any
    ) -> None:
        client = browser()
        french, german = {"accept-language": "fr"}, {"accept-language": "de"}
        assert served(client.get("chosen-language", headers=french)) == (
            "MISS",
            {"language": "fr"},
        )
        assert served(client.get("chosen-language", headers=german)) == (
            "MISS",
            {"language": "de"},
        )
        assert served(client.get("chosen-language", headers=french)) == ("HIT", {"language": "fr"})
        assert served(client.get("chosen-language", headers=german)) == ("HIT", {"language": "de"})

    def test_the_language_locale_middleware_activates_is_part_of_the_key(
        self, browser: Any
    ) -> None:
        client = browser()
        french, german = {"accept-language": "fr"}, {"accept-language": "de"}
        with override_settings(MIDDLEWARE=[*SESSIONS, LOCALE]):
            assert served(client.get("active-language", headers=french))[1] == {"language": "fr"}
            status, body = served(client.get("active-language", headers=german))
            assert (status, body) == ("MISS", {"language": "de"})
            assert served(client.get("active-language", headers=french)) == (
                "HIT",
                {"language": "fr"},
            )

    def test_a_stale_response_is_refreshed_in_its_own_language(
        self, kind: str, alias: str, clock: Clock
    ) -> None:
        from cachetests.vary_views import VIEWS

        cache = VIEWS[(alias, kind, "stale-language")].get.cache
        url, french = f"/{alias}/{kind}/stale-language/", {"accept-language": "fr"}

        def sync_visits() -> list[Any]:
            client = Client()
            first = client.get(url, headers=french)
            clock.advance(0.35)  # past the view's ttl, within its stale_ttl
            stale = client.get(url, headers=french)
            cache.wait_for_refreshes()
            return [first, stale, client.get(url, headers=french)]

        async def async_visits() -> list[Any]:
            client = AsyncClient()  # one loop for all: the refresh is a task on it
            first = await client.get(url, headers=french)
            clock.advance(0.35)
            stale = await client.get(url, headers=french)
            await asyncio.gather(*cache._tasks)
            return [first, stale, await client.get(url, headers=french)]

        with override_settings(MIDDLEWARE=[*SESSIONS, LOCALE]):
            visits = sync_visits() if kind == "sync" else async_to_sync(async_visits)()
        assert [served(v) for v in visits] == [
            ("MISS", {"language": "fr"}),
            ("STALE", {"language": "fr"}),
            ("HIT", {"language": "fr"}),
        ]

    def test_the_active_time_zone_is_part_of_the_key(self, browser: Any) -> None:
        client = browser()
        with timezone.override("Europe/Paris"):
            paris = served(client.get("local-time"))[1]
        with timezone.override("Asia/Tokyo"):
            status, tokyo = served(client.get("local-time"))
        assert status == "MISS" and tokyo["noon"].endswith("+09:00")
        with timezone.override("Europe/Paris"):
            assert served(client.get("local-time")) == ("HIT", paris)

    def test_a_custom_vary_header_splits_the_entries(self, browser: Any) -> None:
        client = browser()
        acme, globex = {"x-tenant": "acme"}, {"x-tenant": "globex"}
        assert served(client.get("tenant", headers=acme)) == ("MISS", {"tenant": "acme"})
        assert served(client.get("tenant", headers=globex)) == ("MISS", {"tenant": "globex"})
        assert served(client.get("tenant")) == ("MISS", {"tenant": None})
        assert served(client.get("tenant", headers=acme)) == ("HIT", {"tenant": "acme"})
        assert served(client.get("tenant", headers=globex)) == ("HIT", {"tenant": "globex"})
        assert served(client.get("tenant")) == ("HIT", {"tenant": None})

    def test_a_response_varying_on_everything_is_never_cached(self, browser: Any) -> None:
        client = browser()
        served(client.get("anything", headers={"x-tenant": "acme"}))
        status, body = served(client.get("anything", headers={"x-tenant": "globex"}))
        assert (status, body) == ("MISS", {"tenant": "globex"})
        assert served(client.get("anything", headers={"x-tenant": "globex"}))[0] == "MISS"

    def test_vary_accept_is_keyed_by_the_negotiated_renderer_not_the_raw_header(
        self, browser: Any
    ) -> None:
        client = browser()
        served(client.get("accept", headers={"accept": "application/json"}))
        again = client.get("accept", headers={"accept": "application/json, text/html;q=0.1"})
        assert served(again) == ("HIT", {"format": "json"})

    def test_vary_cookie_under_session_auth_is_kept_per_user(self, browser: Any) -> None:
        alice, bob = browser(), browser()
        alice.login(User.objects.create_user("alice"))
        bob.login(User.objects.create_user("bob"))
        assert served(alice.get("whoami"))[1]["user"] == "alice"
        assert served(alice.get("whoami"))[0] == "HIT"
        status, body = served(bob.get("whoami"))
        assert status == "MISS" and body["user"] == "bob"

    def test_vary_cookie_keeps_anonymous_clients_with_other_cookies_apart(
        self, browser: Any
    ) -> None:
        dark, light = browser(), browser()
        dark.client.cookies["theme"] = "dark"
        light.client.cookies["theme"] = "light"
        assert served(dark.get("whoami")) == ("MISS", {"user": "", "theme": "dark"})
        assert served(light.get("whoami")) == ("MISS", {"user": "", "theme": "light"})
        assert served(dark.get("whoami")) == ("HIT", {"user": "", "theme": "dark"})


class TestWipes:
    def test_invalidate_all_drops_every_variant(self, kind: str, alias: str) -> None:
        from cachetests.vary_views import VIEWS

        client = Browser(kind, alias)
        for tenant in ("acme", "globex"):
            served(client.get("tenant", headers={"x-tenant": tenant}))
        cache = VIEWS[(alias, kind, "tenant")].get.cache
        if kind == "async":
            async_to_sync(cache.ainvalidate_all)()
        else:
            cache.invalidate_all()
        for tenant in ("acme", "globex"):
            assert served(client.get("tenant", headers={"x-tenant": tenant}))[0] == "MISS"

    def test_a_partition_wipe_drops_every_variant_of_the_partition(
        self, kind: str, alias: str
    ) -> None:
        view = shop_views(alias)[kind]
        for shop, language in [("1", "fr"), ("1", "de"), ("2", "fr")]:
            assert fetch(view, f"/?shop={shop}", HTTP_ACCEPT_LANGUAGE=language)[STATUS] == "MISS"
        assert view.get.cache.delete_by_prefix(shop="1") != 0
        for shop, language, status in [
            ("1", "fr", "MISS"),
            ("1", "de", "MISS"),
            ("2", "fr", "HIT"),
        ]:
            response = fetch(view, f"/?shop={shop}", HTTP_ACCEPT_LANGUAGE=language)
            assert (response[STATUS], json.loads(response.content)) == (
                status,
                {"shop": shop, "language": language},
            )


# --- concurrent misses: a computation shared by callers must fit each of them -------------

factory = APIRequestFactory()


class ShopKey(DefaultResponseKeyConstructor):
    shop = QueryParamsKeyField("shop", partition=True)


def _language_body(request: Any) -> Response:
    response = Response(
        {"shop": request.query_params.get("shop"), "language": request.headers["accept-language"]}
    )
    patch_vary_headers(response, ["Accept-Language"])
    return response


def view_pair(
    alias: str,
    handle: Callable[[Any], Response],
    ahandle: Callable[[Any], Awaitable[Response]],
    key: Any = DefaultResponseKeyConstructor,
) -> dict[str, Any]:
    """A sync DRF view and a restflow async view whose cached ``get`` calls ``handle``."""

    class SyncView(APIView):
        authentication_classes: list[Any] = []
        permission_classes: list[Any] = []

        @cache_response(60, key_constructor=key, cache_alias=alias)
        def get(self, request: Any) -> Response:
            return handle(request)

    class AsyncView(AsyncAPIView):
        authentication_classes: list[Any] = []
        permission_classes: list[Any] = []

        @cache_response(60, key_constructor=key, cache_alias=alias)
        async def get(self, request: Any) -> Response:
            return await ahandle(request)

    return {"sync": SyncView, "async": AsyncView}


async def _alanguage_body(request: Any) -> Response:
    return _language_body(request)


def shop_views(alias: str) -> dict[str, Any]:
    return view_pair(alias, _language_body, _alanguage_body, ShopKey)


def fetch(view_class: Any, url: str, **headers: str) -> Any:
    response = view_class.as_view()(factory.get(url, **headers))
    if hasattr(response, "__await__"):
        response = async_to_sync(_wait)(response)
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    return response


async def _wait(awaitable: Any) -> Any:
    return await awaitable


class Gate:
    """The first request's handler waits here, so a second request arrives during its miss."""

    def __init__(self) -> None:
        self.entered, self.release = threading.Event(), threading.Event()  # sync views
        self.aentered, self.arelease = asyncio.Event(), asyncio.Event()  # async views
        self.calls: list[str] = []

    def pass_through(self, request: Any) -> Response:
        language = request.headers["accept-language"]
        self.calls.append(language)
        if language == "fr":
            self.entered.set()
            assert self.release.wait(10)
        return _language_body(request)

    async def apass_through(self, request: Any) -> Response:
        language = request.headers["accept-language"]
        self.calls.append(language)
        if language == "fr":
            self.aentered.set()
            await self.arelease.wait()
        return _language_body(request)


def gated_views(gate: Gate, alias: str, key: Any = DefaultResponseKeyConstructor) -> Any:
    return view_pair(alias, gate.pass_through, gate.apass_through, key)


def race(kind: str, gate: Gate, first: Any, second: Any) -> tuple[dict[str, Any], Any]:
    """``first`` (fr) enters its handler and waits; ``second`` (de) arrives; then both finish.

    Returns fr's body and de's response.
    """
    if kind == "sync":
        results: dict[str, Any] = {}
        threads = {
            name: threading.Thread(
                target=lambda n=name, v=view: results.__setitem__(
                    n, fetch(v, "/shop", HTTP_ACCEPT_LANGUAGE=n)
                )
            )
            for name, view in (("fr", first), ("de", second))
        }
        threads["fr"].start()
        assert gate.entered.wait(10)
        threads["de"].start()
        threads["de"].join(0.2)  # de now waits on fr's miss (it cannot finish before fr)
        gate.release.set()
        for thread in threads.values():
            thread.join(10)
        return json.loads(results["fr"].content), results["de"]

    async def both() -> tuple[Any, Any]:
        fr = asyncio.ensure_future(first.as_view()(factory.get("/shop", HTTP_ACCEPT_LANGUAGE="fr")))
        await gate.aentered.wait()
        de = asyncio.ensure_future(
            second.as_view()(factory.get("/shop", HTTP_ACCEPT_LANGUAGE="de"))
        )
        await asyncio.wait({de}, timeout=0.2)  # de now waits on fr's miss (or its Redis lock)
        gate.arelease.set()
        return await fr, await de

    fr, de = async_to_sync(both)()
    return json.loads(fr.content), de


class TestConcurrentMisses:
    def test_a_request_waiting_on_another_ones_miss_does_not_take_its_language(
        self, kind: str, alias: str
    ) -> None:
        gate = Gate()
        view = gated_views(gate, alias)[kind]
        fr, de = race(kind, gate, view, view)
        assert fr == {"shop": None, "language": "fr"}
        assert (de[STATUS], json.loads(de.content)) == ("MISS", {"shop": None, "language": "de"})
        assert sorted(gate.calls) == ["de", "fr"]

    def test_a_process_waiting_on_another_ones_redis_lock_does_not_take_its_language(
        self, kind: str, redis_alias: str
    ) -> None:
        class SharedKey(DefaultResponseKeyConstructor):
            class Meta:
                key_identifier = "vary-lock-test"  # two views, two flights, one set of keys

        gate = Gate()
        first = gated_views(gate, redis_alias, SharedKey)[kind]
        second = gated_views(gate, redis_alias, SharedKey)[kind]
        fr, de = race(kind, gate, first, second)
        assert fr == {"shop": None, "language": "fr"}
        assert (de[STATUS], json.loads(de.content)) == ("MISS", {"shop": None, "language": "de"})
