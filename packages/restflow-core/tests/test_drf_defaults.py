"""DRF's own components on the async loop: negotiation memo and authenticator twins."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import AsyncClient, override_settings
from rest_framework.authentication import BasicAuthentication, SessionAuthentication

from restflow.core import _negotiation, fallback
from restflow.core.fallback import HookMode, hook_mode, register_async_twin

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls("coretests.urls_defaults")]


@pytest.fixture
def hops(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every sync_to_async made through restflow's modules, by function name."""
    from restflow.core import _drf

    seen: list[str] = []
    original = fallback.sync_to_async

    def counting(func: Any, **kwargs: Any) -> Any:
        seen.append(getattr(func, "__name__", repr(func)))
        return original(func, **kwargs)

    monkeypatch.setattr(fallback, "sync_to_async", counting)
    monkeypatch.setattr(_drf, "sync_to_async", counting)
    return seen


def _basic(username: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


# -- authenticator twins -------------------------------------------------------


def test_drf_default_authenticators_have_async_twins() -> None:
    assert hook_mode(SessionAuthentication, "authenticate") is HookMode.TWIN
    assert hook_mode(BasicAuthentication, "authenticate") is HookMode.TWIN

    class CustomBasic(BasicAuthentication):
        def authenticate(self, request: Any) -> Any:
            return None

    class InheritsBasic(BasicAuthentication):
        www_authenticate_realm = "other"

    assert hook_mode(CustomBasic, "authenticate") is HookMode.THREAD
    assert hook_mode(InheritsBasic, "authenticate") is HookMode.TWIN


async def test_anonymous_request_needs_no_thread_for_drf_default_authenticators(
    hops: list[str],
) -> None:
    response = await AsyncClient().get("/whoami/")
    assert response.status_code == 200
    assert response.json() == {"user": None}
    assert hops == []


async def test_basic_credentials_are_checked_in_a_thread(hops: list[str]) -> None:
    await User.objects.acreate_user("carol", password="pw")  # type: ignore[attr-defined]
    ok = await AsyncClient().get("/whoami/", headers=_basic("carol", "pw"))
    bad = await AsyncClient().get("/whoami/", headers=_basic("carol", "wrong"))
    assert ok.status_code == 200
    assert ok.json() == {"user": "carol"}
    # DRF takes the header from the first authenticator (Session has none): 403
    assert bad.status_code == 403
    assert bad.json()["error"]["code"] == "authentication_failed"
    assert hops.count("authenticate") == 2


async def test_session_user_is_found_through_auser() -> None:
    user = await User.objects.acreate_user("dave", password="pw")  # type: ignore[attr-defined]
    client = AsyncClient()
    await client.aforce_login(user)
    response = await client.get("/whoami/")
    assert response.status_code == 200
    assert response.json() == {"user": "dave"}


async def test_session_post_still_enforces_csrf() -> None:
    user = await User.objects.acreate_user("erin", password="pw")  # type: ignore[attr-defined]
    client = AsyncClient(enforce_csrf_checks=True)
    await client.aforce_login(user)
    refused = await client.post("/whoami/", {})
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["error"]["message"]


async def test_inactive_session_user_is_anonymous() -> None:
    user = await User.objects.acreate_user("frank", password="pw", is_active=False)  # type: ignore[attr-defined]
    client = AsyncClient()
    await client.aforce_login(user)
    assert (await client.get("/whoami/")).json() == {"user": None}


def test_register_async_twin_refuses_a_sync_twin() -> None:
    with pytest.raises(TypeError, match="must be declared with 'async def'"):
        register_async_twin(BasicAuthentication.authenticate, lambda auth, request: None)


# -- negotiation memo ------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("application/json", "application/json"),
        ("text/plain", "text/plain"),
        ("text/plain;q=0.5, application/json", "application/json"),
        ("*/*", "application/json"),
    ],
)
async def test_negotiation_answers_like_drf_and_is_remembered(accept: str, expected: str) -> None:
    from coretests.views_defaults import TwoRenderers

    _negotiation._memo.pop(TwoRenderers, None)
    client = AsyncClient()
    first = await client.get("/two/", headers={"Accept": accept})
    again = await client.get("/two/", headers={"Accept": accept})
    assert first.status_code == again.status_code
    assert first.status_code == 200
    assert first["Content-Type"].startswith(expected)
    assert again["Content-Type"] == first["Content-Type"]
    assert (accept, tuple(TwoRenderers.renderer_classes)) in _negotiation._memo[TwoRenderers]


async def test_unacceptable_is_406_and_not_remembered() -> None:
    from coretests.views_defaults import TwoRenderers

    _negotiation._memo.pop(TwoRenderers, None)
    response = await AsyncClient().get("/two/", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert response.json()["error"]["code"] == "not_acceptable"
    assert not _negotiation._memo.get(TwoRenderers)


async def test_format_query_parameter_takes_drf_full_path() -> None:
    from coretests.views_defaults import TwoRenderers

    _negotiation._memo.pop(TwoRenderers, None)
    response = await AsyncClient().get("/two/?format=json", headers={"Accept": "text/plain"})
    assert response["Content-Type"].startswith("application/json")
    assert not _negotiation._memo.get(TwoRenderers)


async def test_memo_is_bounded_per_class() -> None:
    from coretests.views_defaults import TwoRenderers

    _negotiation._memo.pop(TwoRenderers, None)
    client = AsyncClient()
    for index in range(_negotiation._MEMO_PER_CLASS + 10):
        response = await client.get("/two/", headers={"Accept": f"application/json;v={index}"})
        assert response.status_code == 200
    assert len(_negotiation._memo[TwoRenderers]) == _negotiation._MEMO_PER_CLASS


@override_settings(REST_FRAMEWORK={"URL_FORMAT_OVERRIDE": None})
async def test_without_format_override_the_query_string_is_not_inspected() -> None:
    response = await AsyncClient().get("/two/?format=txt", headers={"Accept": "application/json"})
    assert response["Content-Type"].startswith("application/json")
