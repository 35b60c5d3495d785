"""restflow-views' sync and async views answer Django's refusals as Django does, in the envelope.

2,000 query parameters (``TooManyFieldsSent``) and a 3 MB JSON body
(``RequestDataTooBig``) make Django's request objects raise while the view
reads them: a 400 ``bad_request`` and a 413 ``payload_too_large``, logged on
``django.security.<ClassName>`` and never as a server error.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from django.test import Client

from viewtests.asgi import request

pytestmark = pytest.mark.django_db

QUERY = {"a": ["1"] * 2_000}
BIG_BODY = json.dumps({"blob": "x" * 3_000_000})


def send(path: str, query: dict[str, Any] | None, body: str | None) -> tuple[int, Any]:
    """GET with ``query``, or POST ``body`` as JSON, to the sync or the async echo view."""
    url = f"/parsers/{path}/"
    if path == "async":
        method = "GET" if body is None else "POST"
        result = request(method, url, query=query, body=None if body is None else body.encode())
        return result.status, result.json
    if body is None:
        response = Client().get(url, query)
    else:
        response = Client().post(url, body, content_type="application/json")
    return response.status_code, response.json()


CASES = [
    (QUERY, None, 400, "bad_request", "The request has too many fields.", "TooManyFieldsSent"),
    (
        None,
        BIG_BODY,
        413,
        "payload_too_large",
        "The request body is too large.",
        "RequestDataTooBig",
    ),
]


@pytest.mark.parametrize("path", ["sync", "async"])
@pytest.mark.parametrize(
    ("query", "body", "status", "code", "message", "exc_name"),
    CASES,
    ids=["2000-query-parameters", "3mb-json-body"],
)
def test_django_refusals_are_a_4xx_envelope_and_not_a_server_error(
    caplog: pytest.LogCaptureFixture,
    path: str,
    query: dict[str, Any] | None,
    body: str | None,
    status: int,
    code: str,
    message: str,
    exc_name: str,
) -> None:
    with caplog.at_level(logging.INFO):
        answered = send(path, query, body)
    assert answered == (status, {"error": {"code": code, "message": message, "details": None}})
    assert [r for r in caplog.records if r.name in ("restflow.exceptions", "django.request")] == []
    [record] = [r for r in caplog.records if r.name.startswith("django.security.")]
    assert (record.name, record.levelno) == (f"django.security.{exc_name}", logging.ERROR)
