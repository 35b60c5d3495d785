"""restflow.test: AsyncAPIClient, AsyncAPIRequestFactory, test case bases, pytest fixtures."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from restflow.test import (
    AsyncAPIClient,
    AsyncAPIRequestFactory,
    AsyncAPISimpleTestCase,
    AsyncAPITestCase,
    AsyncAPITransactionTestCase,
    force_authenticate,
)
from restflow.test import pytest_plugin as _plugin
from viewtests.testkit_views import Echo, WhoAmI

urls = pytest.mark.urls("viewtests.testkit_views")

# The fixtures come from the plugin module (also registered as the ``restflow`` pytest11 entry
# point); bound here so the tests run whether or not the distribution's entry points are loaded.
async_api_client = _plugin.async_api_client
async_api_rf = _plugin.async_api_rf


# -- AsyncAPIClient ------------------------------------------------------------


@urls
class TestAsyncAPIClient:
    async def test_post_sends_json_by_default(self, async_api_client: AsyncAPIClient) -> None:
        response = await async_api_client.post("/testkit/echo/", {"a": [1, 2], "b": None})
        assert response.status_code == 200
        assert response.json() == {
            "content_type": "application/json",
            "data": {"a": [1, 2], "b": None},
        }

    async def test_patch_sends_json_by_default(self, async_api_client: AsyncAPIClient) -> None:
        response = await async_api_client.patch("/testkit/echo/", {"n": 3})
        assert response.json()["data"] == {"n": 3}

    async def test_explicit_content_type_wins(self, async_api_client: AsyncAPIClient) -> None:
        response = await async_api_client.post(
            "/testkit/echo/", "n=3", content_type="application/x-www-form-urlencoded"
        )
        assert response.json() == {
            "content_type": "application/x-www-form-urlencoded",
            "data": {"n": "3"},
        }

    async def test_anonymous_request_is_refused_by_the_permission(
        self, async_api_client: AsyncAPIClient
    ) -> None:
        response = await async_api_client.get("/testkit/whoami/")
        assert response.status_code == 403
        assert response.json()["error"]["code"]

    @pytest.mark.parametrize(
        "kwargs", [{"HTTP_X_API_KEY": "key-ann"}, {"X-Api-Key": "key-ann"}], ids=["meta", "header"]
    )
    async def test_credentials_reach_the_header_authenticator(
        self, async_api_client: AsyncAPIClient, kwargs: dict[str, str]
    ) -> None:
        async_api_client.credentials(**kwargs)
        first = await async_api_client.get("/testkit/whoami/")
        second = await async_api_client.get("/testkit/whoami/")
        assert first.json() == second.json() == {"user": "ann", "token": "key-ann"}

    async def test_credentials_call_replaces_previous_set(
        self, async_api_client: AsyncAPIClient
    ) -> None:
        async_api_client.credentials(HTTP_X_API_KEY="key-ann")
        async_api_client.credentials()
        response = await async_api_client.get("/testkit/whoami/")
        assert response.status_code == 403

    def test_credentials_refuse_non_header_meta_keys(
        self, async_api_client: AsyncAPIClient
    ) -> None:
        with pytest.raises(TypeError, match="REMOTE_ADDR"):
            async_api_client.credentials(REMOTE_ADDR="10.0.0.1")

    async def test_force_authenticate_reaches_request_user(
        self, async_api_client: AsyncAPIClient
    ) -> None:
        async_api_client.force_authenticate(user=User(username="bob"), token="tok")
        response = await async_api_client.get("/testkit/whoami/")
        assert response.status_code == 200
        assert response.json() == {"user": "bob", "token": "tok"}

    async def test_force_authenticate_none_turns_it_off(
        self, async_api_client: AsyncAPIClient
    ) -> None:
        async_api_client.force_authenticate(user=User(username="bob"))
        async_api_client.force_authenticate(None)
        response = await async_api_client.get("/testkit/whoami/")
        assert response.status_code == 403


# -- AsyncAPIRequestFactory ----------------------------------------------------


class TestAsyncAPIRequestFactory:
    async def test_force_authenticate_reaches_request_user(
        self, async_api_rf: AsyncAPIRequestFactory
    ) -> None:
        request = force_authenticate(async_api_rf.get("/"), user=User(username="cy"), token="t")
        response = await WhoAmI.as_view()(request)
        assert response.status_code == 200
        assert response.data == {"user": "cy", "token": "t"}

    async def test_without_force_authenticate_permission_refuses(
        self, async_api_rf: AsyncAPIRequestFactory
    ) -> None:
        response = await WhoAmI.as_view()(async_api_rf.get("/"))
        assert response.status_code == 403

    async def test_post_body_is_json_by_default(self, async_api_rf: AsyncAPIRequestFactory) -> None:
        response = await Echo.as_view()(async_api_rf.post("/", {"x": {"y": 1}}))
        assert response.data == {"content_type": "application/json", "data": {"x": {"y": 1}}}

    def test_header_credentials_go_through_headers(
        self, async_api_rf: AsyncAPIRequestFactory
    ) -> None:
        request = async_api_rf.get("/", headers={"X-Api-Key": "key-dee"})
        from asgiref.sync import async_to_sync

        response = async_to_sync(WhoAmI.as_view())(request)
        assert response.data == {"user": "dee", "token": "key-dee"}


# -- test case bases -----------------------------------------------------------


@urls
class TestSimpleCase(AsyncAPISimpleTestCase):
    async def test_async_client_is_an_api_client(self) -> None:
        assert isinstance(self.async_client, AsyncAPIClient)
        response = await self.async_client.post("/testkit/echo/", {"k": "v"})
        assert response.json()["data"] == {"k": "v"}

    def test_database_access_is_refused(self) -> None:
        with pytest.raises(Exception, match="Database queries"):
            User.objects.count()


@urls
class TestTestCase(AsyncAPITestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.user = User.objects.create_user("erin")

    async def test_forced_db_user_reaches_view(self) -> None:
        self.async_client.force_authenticate(user=self.user)
        response = await self.async_client.get("/testkit/whoami/")
        assert response.json()["user"] == "erin"
        assert await User.objects.filter(username="erin").aexists()

    async def test_logout_clears_forced_auth_and_credentials(self) -> None:
        self.async_client.force_authenticate(user=self.user)
        self.async_client.credentials(HTTP_X_API_KEY="key-ann")
        await self.async_client.alogout()
        response = await self.async_client.get("/testkit/whoami/")
        assert response.status_code == 403


@urls
class TestTransactionCase(AsyncAPITransactionTestCase):
    def test_on_commit_fires(self) -> None:
        from django.db import transaction

        fired: list[int] = []
        with transaction.atomic():
            transaction.on_commit(lambda: fired.append(1))
        assert fired == [1]
        assert isinstance(self.async_client, AsyncAPIClient)
