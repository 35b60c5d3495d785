"""The token views answer a deeply nested JSON body with a 400, not an unauthenticated 500.

They are built on restflow-core's ``AsyncAPIView``, which parses JSON with
``restflow.parsers.JSONParser``; the body is read before any credential is checked.
"""

from __future__ import annotations

import logging

import pytest
from django.test import AsyncClient

from jwttests.helpers import envelope

pytestmark = pytest.mark.django_db(transaction=True)

TOKEN_URLS = ["/token/", "/token/throttled/", "/token/refresh/", "/token/blacklist/"]


@pytest.mark.parametrize("url", TOKEN_URLS)
@pytest.mark.parametrize("depth", [1_000, 2_000, 100_000])
async def test_a_deeply_nested_body_is_a_400_parse_error(
    caplog: pytest.LogCaptureFixture, url: str, depth: int
) -> None:
    body = '{"refresh":' * depth + '"x"' + "}" * depth
    with caplog.at_level(logging.INFO):
        response = await AsyncClient().post(url, body, content_type="application/json")
    assert response.status_code == 400
    error = envelope(response)
    assert (error["code"], error["details"]) == ("parse_error", None)
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
