"""The async dispatch loop, driven through Django's ASGI handler (AsyncClient)."""

from __future__ import annotations

import pickle
from typing import Any

import pytest
from asgiref.sync import iscoroutinefunction
from django.contrib.auth.models import Permission, User
from django.core.exceptions import ImproperlyConfigured
from django.test import AsyncClient, AsyncRequestFactory, Client, override_settings
from rest_framework import exceptions
from rest_framework.response import Response

from coretests import views_dispatch
from coretests.models import Note
from restflow.core import AsyncAPIView, dispatch, fallback

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("coretests.urls_dispatch"),
]


@pytest.fixture(autouse=True)
def clear_events() -> None:
    views_dispatch.EVENTS.clear()


@pytest.fixture
def alice() -> User:
    return User.objects.create_user("alice", password="pw")


async def test_mixed_sync_and_async_components_each_run_in_their_mode(alice: User) -> None:
    await Note.objects.acreate(title="b")
    await Note.objects.acreate(title="a")
    response = await AsyncClient().get("/mixed/", headers={"X-Async-User": "alice"})
    assert response.status_code == 200
    body = response.json()
    assert body["user"] == "alice"
    assert body["auth"] == "async-token"
    assert body["titles"] == ["a", "b"]
    assert views_dispatch.EVENTS == [
        "sync-auth@thread",
        "async-auth@loop",
        "async-perm@loop",
        "sync-perm@thread",
        "sync-throttle@thread",
        "async-throttle@loop",
        "handler@loop",
    ]


async def test_sync_authenticator_with_database_access_runs_in_thread(alice: User) -> None:
    response = await AsyncClient().get("/mixed/", headers={"X-Sync-User": "alice"})
    assert response.status_code == 200
    assert response.json()["user"] == "alice"
    assert response.json()["auth"] is None
    # the first authenticator matched: the async one was never asked
    assert "async-auth@loop" not in views_dispatch.EVENTS


async def test_authentication_runs_eagerly_before_the_handler(alice: User) -> None:
    factory = AsyncRequestFactory()
    request = factory.get("/mixed/", headers={"X-Async-User": "alice"})
    view = views_dispatch.MixedView()
    view.setup(request)
    drf_request = view.initialize_request(request)
    await view.aperform_authentication(drf_request)
    assert "_user" in drf_request.__dict__
    assert drf_request.user == alice
    assert (
        drf_request.successful_authenticator.__class__ is views_dispatch.AsyncHeaderAuthentication
    )


async def test_anonymous_request_is_refused_with_www_authenticate() -> None:
    response = await AsyncClient().get("/mixed/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Sync realm="tests"'
    assert response.json()["error"]["code"] == "not_authenticated"


async def test_failed_authentication_is_401_with_envelope() -> None:
    response = await AsyncClient().get("/mixed/", headers={"X-Async-User": "ghost"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


async def test_no_authenticate_header_turns_401_into_403() -> None:
    response = await AsyncClient().get("/no-header/")
    assert response.status_code == 403
    assert "WWW-Authenticate" not in response


async def test_async_permission_refusal_carries_its_message() -> None:
    await User.objects.acreate(username="blocked")
    response = await AsyncClient().get("/mixed/", headers={"X-Async-User": "blocked"})
    assert response.status_code == 403
    assert response.json()["error"]["message"] == "blocked users may not pass"
    assert "handler@loop" not in views_dispatch.EVENTS


async def test_sync_database_permission_refuses_from_a_thread(alice: User) -> None:
    await Note.objects.acreate(title="lockdown")
    response = await AsyncClient().get("/mixed/", headers={"X-Async-User": "alice"})
    assert response.status_code == 403
    assert "sync-perm@thread" in views_dispatch.EVENTS


@pytest.mark.parametrize(
    ("header", "wait"),
    [
        ({"X-Throttle": "1"}, "7"),
        ({"X-Sync-Throttle": "1"}, "3"),
        ({"X-Throttle": "1", "X-Sync-Throttle": "1"}, "7"),
    ],
)
async def test_throttles_are_all_asked_and_the_longest_wait_wins(
    alice: User, header: dict[str, str], wait: str
) -> None:
    response = await AsyncClient().get("/mixed/", headers={"X-Async-User": "alice", **header})
    assert response.status_code == 429
    assert response["Retry-After"] == wait
    assert response.json()["error"]["code"] == "throttled"


async def test_throttles_from_an_overridden_get_throttles_are_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # no throttle_classes: the loop may skip the step only when nothing supplies throttles
    monkeypatch.setattr(views_dispatch.NoHeaderView, "permission_classes", [])
    monkeypatch.setattr(
        views_dispatch.NoHeaderView,
        "get_throttles",
        lambda self: [views_dispatch.SyncThrottle()],
        raising=False,
    )
    monkeypatch.setattr(dispatch, "_OWN_THROTTLING", {})  # decided per class: decide again
    response = await AsyncClient().get("/no-header/", headers={"X-Sync-Throttle": "1"})
    assert response.status_code == 429
    assert response["Retry-After"] == "3"


async def test_an_overridden_acheck_throttles_runs_without_throttle_classes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []

    async def acheck_throttles(self: AsyncAPIView, request: Any) -> None:
        calls.append(request.method)

    monkeypatch.setattr(views_dispatch.NoHeaderView, "permission_classes", [])
    monkeypatch.setattr(
        views_dispatch.NoHeaderView, "acheck_throttles", acheck_throttles, raising=False
    )
    monkeypatch.setattr(dispatch, "_OWN_THROTTLING", {})
    response = await AsyncClient().get("/no-header/")
    assert response.status_code == 200
    assert calls == ["GET"]


async def test_drf_django_model_permissions_run_in_a_thread_not_on_the_loop(alice: User) -> None:
    # DjangoModelPermissions queries the database; on the loop this would raise
    # SynchronousOnlyOperation (the tests never switch off the async-unsafe check).
    refused = await AsyncClient().post("/model-perms/", {}, headers={"X-Async-User": "alice"})
    assert refused.status_code == 403
    perm = await Permission.objects.aget(codename="add_note")
    await alice.user_permissions.aadd(perm)
    allowed = await AsyncClient().post("/model-perms/", {}, headers={"X-Async-User": "alice"})
    assert allowed.status_code == 201


async def test_object_permissions_through_acheck_object_permissions(alice: User) -> None:
    bob = await User.objects.acreate(username="bob")
    mine = await Note.objects.acreate(title="mine", owner=alice)
    theirs = await Note.objects.acreate(title="theirs", owner=bob)
    client = AsyncClient()
    ok = await client.get(f"/notes/{mine.pk}/", headers={"X-Async-User": "alice"})
    refused = await client.get(f"/notes/{theirs.pk}/", headers={"X-Async-User": "alice"})
    assert ok.status_code == 200
    assert ok.json() == {"title": "mine"}
    assert refused.status_code == 403


async def test_post_parses_body_and_writes_with_the_async_orm(alice: User) -> None:
    response = await AsyncClient().post(
        "/mixed/",
        {"title": "new"},
        content_type="application/json",
        headers={"X-Async-User": "alice"},
    )
    assert response.status_code == 201
    assert await Note.objects.filter(title="new", owner=alice).aexists()


async def test_method_not_allowed_and_options() -> None:
    client = AsyncClient()
    response = await client.delete("/no-header/")
    assert response.status_code in (403, 405)
    options = await client.options("/broken/")
    assert options.status_code == 200
    assert options.json()["name"] == "Broken"
    not_allowed = await client.put("/broken/")
    assert not_allowed.status_code == 405
    assert not_allowed.json()["error"]["code"] == "method_not_allowed"


class _Methods(AsyncAPIView):
    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []

    async def get(self, request: Any) -> Response:
        return Response({"handler": "get"})

    async def post(self, request: Any) -> Response:
        return Response({"handler": "post"})


class _MethodOnTheDrfRequest(_Methods):
    def initialize_request(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        drf_request = super().initialize_request(request, *args, **kwargs)
        drf_request.method = "POST"  # as DRF's clone_request does
        return drf_request


@pytest.mark.parametrize(
    ("view_class", "expected"), [(_Methods, "get"), (_MethodOnTheDrfRequest, "post")]
)
async def test_handler_follows_the_drf_requests_own_method(
    view_class: type[AsyncAPIView], expected: str
) -> None:
    request = AsyncRequestFactory().get("/methods/")
    response = await view_class.as_view()(request)
    assert response.data == {"handler": expected}


async def test_unhandled_exception_is_500_without_leaking() -> None:
    response = await AsyncClient(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    assert "secret-internal-detail" not in response.content.decode()
    assert response.json()["error"]["code"] == "internal_error"


# -- the exception path, step by step ----------------------------------------


def _view_with_request(view_class: type[AsyncAPIView] = views_dispatch.BrokenView) -> AsyncAPIView:
    view = view_class()
    request = AsyncRequestFactory().get("/broken/")
    view.setup(request)
    view.request = view.initialize_request(request)
    view.headers = {}
    return view


async def test_async_exception_handler_result_is_awaited() -> None:
    async def async_handler(exc: Exception, context: dict[str, Any]) -> Response:
        return Response({"handled": type(exc).__name__}, status=418)

    view = _view_with_request()
    view.get_exception_handler = lambda: async_handler  # type: ignore[method-assign]
    response = await view.ahandle_exception(exceptions.NotFound())
    assert response.status_code == 418
    assert response.data == {"handled": "NotFound"}
    assert response.exception is True


async def test_exception_handler_returning_none_reraises() -> None:
    view = _view_with_request()
    view.get_exception_handler = lambda: lambda exc, context: None  # type: ignore[method-assign]
    with pytest.raises(ValueError, match="unhandled"):
        await view.ahandle_exception(ValueError("unhandled"))


async def test_sync_exception_handler_is_used_and_marked() -> None:
    def sync_handler(exc: Exception, context: dict[str, Any]) -> Response:
        return Response({"view": type(context["view"]).__name__}, status=409)

    view = _view_with_request()
    view.get_exception_handler = lambda: sync_handler  # type: ignore[method-assign]
    response = await view.ahandle_exception(exceptions.ValidationError("x"))
    assert (response.status_code, response.data, response.exception) == (
        409,
        {"view": "BrokenView"},
        True,
    )


# -- class checks -------------------------------------------------------------


def test_sync_handler_on_async_view_is_refused_at_as_view() -> None:
    class Mixed(AsyncAPIView):
        async def get(self, request: Any) -> Response:
            return Response({})

        def post(self, request: Any) -> Response:
            return Response({})

    with pytest.raises(
        ImproperlyConfigured, match=r"Mixed\.post is a sync method on an async view"
    ):
        Mixed.as_view()


def test_async_view_is_flagged_async_for_django() -> None:
    assert views_dispatch.MixedView.view_is_async is True
    assert iscoroutinefunction(views_dispatch.MixedView.as_view())


# -- rendering on the loop ----------------------------------------------------


async def test_json_response_is_rendered_on_the_loop_and_render_is_awaitable(alice: User) -> None:
    view = views_dispatch.NoHeaderView.as_view()
    request = AsyncRequestFactory().get("/no-header/")
    request.user = alice
    response = await view(request)
    # still 403 (no authenticator matched) but rendered already, with an awaitable render
    assert response.is_rendered
    assert iscoroutinefunction(response.render)
    copy = pickle.loads(pickle.dumps(response))
    assert copy.content == response.content
    assert await response.render() is response
    assert not iscoroutinefunction(response.render)  # the marker removed itself


async def test_render_needs_no_thread_hop_for_json(
    alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    import django.core.handlers.base as base

    hops: list[Any] = []
    original = base.sync_to_async

    def counting(func: Any, **kwargs: Any) -> Any:
        hops.append(getattr(func, "__name__", func))
        return original(func, **kwargs)

    monkeypatch.setattr(base, "sync_to_async", counting)
    response = await AsyncClient().get("/mixed/", headers={"X-Async-User": "alice"})
    assert response.status_code == 200
    assert "render" not in hops


def test_wsgi_path_still_renders_through_django() -> None:
    User.objects.create_user("wsgi-user")
    response = Client().get("/mixed/", headers={"X-Sync-User": "wsgi-user"})
    assert response.status_code == 200
    assert response.json()["user"] == "wsgi-user"


async def test_renderer_that_is_not_loop_safe_renders_in_a_thread(
    alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rest_framework.renderers import JSONRenderer

    class SlowRenderer(JSONRenderer):
        def render(
            self, data: Any, accepted_media_type: Any = None, renderer_context: Any = None
        ) -> bytes:
            import threading

            return f'{{"thread": "{threading.current_thread().name}"}}'.encode()

    monkeypatch.setattr(views_dispatch.NoHeaderView, "renderer_classes", [SlowRenderer])
    monkeypatch.setattr(views_dispatch.NoHeaderView, "permission_classes", [])
    assert fallback.hook_mode(SlowRenderer, "render") is fallback.HookMode.THREAD
    response = await AsyncClient().get("/no-header/")
    assert response.status_code == 200
    import threading

    assert response.json()["thread"] != threading.current_thread().name


async def _asgi_get(path: str, headers: list[tuple[bytes, bytes]]) -> tuple[int, list[Any], bytes]:
    """One GET through the real ``ASGIHandler`` (what uvicorn calls), not the test client's."""
    import asyncio

    from django.core.handlers.asgi import ASGIHandler

    messages: list[dict[str, Any]] = []
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    inbox.put_nowait({"type": "http.request", "body": b"", "more_body": False})

    async def receive() -> dict[str, Any]:
        return await inbox.get()  # after the body: wait, as a connected client would

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
    }
    await ASGIHandler()(scope, receive, send)
    start = next(m for m in messages if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    return start["status"], start["headers"], body


async def test_raw_asgi_handler_serves_the_async_view(alice: User) -> None:
    import json

    status, headers, body = await _asgi_get("/mixed/", [(b"x-async-user", b"alice")])
    assert status == 200
    assert json.loads(body)["user"] == "alice"
    assert (b"Content-Type", b"application/json") in headers


async def test_view_and_drf_request_are_freed_without_the_cycle_collector(alice: User) -> None:
    """Once Django has rendered and closed the response, reference counting frees the rest."""
    import gc

    view_function = views_dispatch.MixedView.as_view()
    factory = AsyncRequestFactory()
    await view_function(factory.get("/mixed/", headers={"X-Async-User": "alice"}))  # warm up
    gc.collect()
    gc.disable()
    try:
        response = await view_function(factory.get("/mixed/", headers={"X-Async-User": "alice"}))
        assert response.status_code == 200
        view_ref, drf_request_ref = views_dispatch.LAST[0], views_dispatch.LAST[1]
        views_dispatch.LAST.clear()
        await response.render()  # what Django's ASGI handler does next
        response.close()
        del response
        assert view_ref() is None
        assert drf_request_ref() is None
    finally:
        gc.enable()


@override_settings(REST_FRAMEWORK={"EXCEPTION_HANDLER": "rest_framework.views.exception_handler"})
async def test_sync_database_access_on_the_loop_fails_the_request() -> None:
    """The guard every other test relies on: Django's async-unsafe check is active."""
    from django.core.exceptions import SynchronousOnlyOperation

    with pytest.raises(SynchronousOnlyOperation):
        await AsyncClient().get("/careless/")


async def test_drf_simple_rate_throttle_wait_is_computed_on_the_loop() -> None:
    from rest_framework.throttling import SimpleRateThrottle

    assert fallback.hook_mode(SimpleRateThrottle, "wait") is fallback.HookMode.LOOP
    assert fallback.hook_mode(SimpleRateThrottle, "allow_request") is fallback.HookMode.THREAD


@override_settings(
    MIDDLEWARE=[
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
    ]
)
async def test_async_views_stay_csrf_exempt_like_drf_views(alice: User) -> None:
    view = views_dispatch.MixedView.as_view()
    assert view.csrf_exempt is True
    assert view.cls is views_dispatch.MixedView
    response = await AsyncClient(enforce_csrf_checks=True).post(
        "/mixed/",
        {"title": "no-token"},
        content_type="application/json",
        headers={"X-Async-User": "alice"},
    )
    assert response.status_code == 201


async def test_allow_header_matches_drf_and_cached_headers_are_not_shared(alice: User) -> None:
    response = await AsyncClient().get("/mixed/", headers={"X-Async-User": "alice"})
    assert response["Allow"] == "GET, POST, HEAD, OPTIONS"
    view = views_dispatch.MixedView()
    view.setup(AsyncRequestFactory().get("/mixed/"))
    first = view.default_response_headers
    first["Allow"] = "tampered"
    assert view.default_response_headers["Allow"] == "GET, POST, HEAD, OPTIONS"


def test_overridden_allowed_methods_are_honoured() -> None:
    class Narrow(views_dispatch.MixedView):
        @property
        def allowed_methods(self) -> list[str]:
            return ["GET"]

    view = Narrow()
    view.setup(AsyncRequestFactory().get("/mixed/"))
    assert view.default_response_headers["Allow"] == "GET"
