"""An authenticator that implements only ``authenticate`` answers ``aauthenticate`` too
(issue 19, item 9): a ``BaseAuthentication`` of one's own, and sync overrides of the
shipped classes."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from rest_framework.request import Request

from restflow.authentication import (
    BaseAuthentication,
    BasicAuthentication,
    JWTAuthentication,
    RemoteUserAuthentication,
    SessionAuthentication,
    TokenAuthentication,
)
from restflow.core.testing import count_hops


def _request(**headers: str) -> Request:
    return Request(RequestFactory().get("/", **headers))


class ApiKey(BaseAuthentication):
    """Written the DRF way: a sync ``authenticate`` only."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        key = request.META.get("HTTP_X_API_KEY")
        return None if key is None else (AnonymousUser(), key)


async def test_a_base_authentication_subclass_answers_aauthenticate_in_one_hop() -> None:
    with count_hops() as hops:
        found = await ApiKey().aauthenticate(_request(HTTP_X_API_KEY="k-1"))
    assert found is not None and found[1] == "k-1"
    assert len(hops) == 1
    assert await ApiKey().aauthenticate(_request()) is None
    assert ApiKey().authenticate(_request(HTTP_X_API_KEY="k-2"))[1] == "k-2"  # type: ignore[index]


@pytest.mark.parametrize(
    "base",
    [
        JWTAuthentication,
        BasicAuthentication,
        TokenAuthentication,
        SessionAuthentication,
        RemoteUserAuthentication,
    ],
)
async def test_a_sync_override_of_a_shipped_authenticator_is_used_on_the_async_path(
    base: type,
) -> None:
    class Overridden(base):  # type: ignore[misc, valid-type]
        def authenticate(self, request: Request) -> tuple[Any, Any] | None:
            return AnonymousUser(), "overridden"

    assert issubclass(Overridden, BaseAuthentication)
    found = await Overridden().aauthenticate(_request())
    assert found is not None and found[1] == "overridden"
