"""restflow.test live server: real HTTP against uvicorn (fixture and test case base)."""

from __future__ import annotations

import re
import threading

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from restflow.test import ASGILiveServer, AsyncAPILiveServerTestCase, _compat
from restflow.test import pytest_plugin as _plugin
from testsupport.ci import need_modules
from viewtests.testkit_views import STREAM_GATE

need_modules("httpx", "uvicorn", install="pip install 'uvicorn>=0.30' 'httpx>=0.27'")
import httpx  # noqa: E402

live_asgi_server = _plugin.live_asgi_server
URLS = "viewtests.testkit_views"


@pytest.mark.urls(URLS)
class TestLiveASGIServerFixture:
    async def test_header_credentials_over_real_http(self, live_asgi_server: str) -> None:
        async with httpx.AsyncClient(base_url=live_asgi_server) as client:
            ok = await client.get("/testkit/whoami/", headers={"X-Api-Key": "key-fay"})
            refused = await client.get("/testkit/whoami/")
        assert ok.status_code == 200
        assert ok.json() == {"user": "fay", "token": "key-fay"}
        assert refused.status_code == 403
        assert "code" in refused.json()["error"]

    def test_json_body_over_real_http(self, live_asgi_server: str) -> None:
        response = httpx.post(f"{live_asgi_server}/testkit/echo/", json={"q": [1, "two"]})
        assert response.json() == {"content_type": "application/json", "data": {"q": [1, "two"]}}

    def test_server_is_uvicorn(self, live_asgi_server: str) -> None:
        response = httpx.post(f"{live_asgi_server}/testkit/echo/", json={})
        assert response.headers["server"] == "uvicorn"

    def test_stream_first_bytes_arrive_before_the_producer_finishes(
        self, live_asgi_server: str
    ) -> None:
        gate = threading.Event()
        STREAM_GATE["event"] = gate
        with httpx.stream("GET", f"{live_asgi_server}/testkit/stream/", timeout=5) as response:
            lines = response.iter_lines()
            assert next(lines) == "first"  # producer is still blocked on the gate
            gate.set()
            assert next(lines) == "second"


class TestASGILiveServer:
    def test_url_before_start_is_an_error(self) -> None:
        with pytest.raises(RuntimeError, match="before start"):
            _ = ASGILiveServer().url

    def test_stop_frees_the_port(self) -> None:
        async def app(scope: dict, receive: object, send: object) -> None:  # pragma: no cover
            raise AssertionError

        server = ASGILiveServer(app=app)
        url = server.start()
        server.stop()
        with pytest.raises(httpx.ConnectError):
            httpx.get(url, timeout=2)

    def test_missing_uvicorn_names_the_install_command(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(_compat, "uvicorn", None)
        with pytest.raises(ImproperlyConfigured, match=re.escape("pip install 'uvicorn>=0.30'")):
            ASGILiveServer().start()


@override_settings(ROOT_URLCONF=URLS)
class TestLiveServerTestCase(AsyncAPILiveServerTestCase):
    def test_committed_rows_are_visible_to_the_server(self) -> None:
        User.objects.create_user("gil")
        User.objects.create_user("abe")
        response = httpx.get(f"{self.live_server_url}/testkit/users/")
        assert response.status_code == 200
        assert response.json() == {"users": ["abe", "gil"]}

    async def test_async_client_still_available(self) -> None:
        response = await self.async_client.post("/testkit/echo/", {"z": 1})
        assert response.json()["data"] == {"z": 1}
