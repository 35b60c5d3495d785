"""Django's ``SuspiciousOperation`` family answers a 4xx in the envelope, on both paths.

Oversized or over-counted requests make Django's own request objects raise
(``TooManyFieldsSent``, ``TooManyFilesSent``, ``RequestDataTooBig``) while a
view reads them; restflow's exception handler must answer as Django would
(400, or 413 for a body over the limit), in the envelope, logged on
``django.security.<ClassName>`` and never as a server error.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core import exceptions as django_exceptions
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import got_request_exception
from django.test import override_settings

from coretests.both_paths import PATHS, send
from restflow.exceptions import ErrorCode, exception_handler

pytestmark = pytest.mark.urls("coretests.urls_hostile")

TOO_MANY_FIELDS = "The request has too many fields."
TOO_MANY_FILES = "The request has too many files."
TOO_LARGE = "The request body is too large."
BAD_REQUEST = "Bad request."


def _many_files(count: int) -> dict[str, Any]:
    return {f"file{i}": SimpleUploadedFile(f"f{i}.txt", b"x") for i in range(count)}


# id, method, url, request kwargs, status, code, message, Django's exception class
CASES: list[tuple[str, str, str, dict[str, Any], int, ErrorCode, str, str]] = [
    (
        "2000-query-parameters",
        "get",
        "/query/?" + "&".join(["a=1"] * 2000),
        {},
        400,
        ErrorCode.BAD_REQUEST,
        TOO_MANY_FIELDS,
        "TooManyFieldsSent",
    ),
    (
        "3mb-json-body",
        "post",
        "/echo/",
        {"data": json.dumps({"blob": "x" * 3_000_000}), "content_type": "application/json"},
        413,
        ErrorCode.PAYLOAD_TOO_LARGE,
        TOO_LARGE,
        "RequestDataTooBig",
    ),
    (
        "1500-form-fields",
        "post",
        "/echo/",
        {
            "data": urlencode({f"f{i}": "x" for i in range(1500)}),
            "content_type": "application/x-www-form-urlencoded",
        },
        400,
        ErrorCode.BAD_REQUEST,
        TOO_MANY_FIELDS,
        "TooManyFieldsSent",
    ),
    (
        "1500-multipart-fields",
        "post",
        "/echo/",
        {"data": {f"f{i}": "x" for i in range(1500)}},
        400,
        ErrorCode.BAD_REQUEST,
        TOO_MANY_FIELDS,
        "TooManyFieldsSent",
    ),
    (
        "101-multipart-files",
        "post",
        "/echo/",
        {"data": _many_files(101)},
        400,
        ErrorCode.BAD_REQUEST,
        TOO_MANY_FILES,
        "TooManyFilesSent",
    ),
    (
        "suspicious-operation-raised-in-the-view",
        "get",
        "/suspicious/",
        {},
        400,
        ErrorCode.BAD_REQUEST,
        BAD_REQUEST,
        "SuspiciousFileOperation",
    ),
]


@pytest.fixture
def request_exceptions() -> Iterator[list[Any]]:
    """Requests for which ``got_request_exception`` was sent (it must never be here)."""
    sent: list[Any] = []

    def receiver(sender: Any, request: Any, **kwargs: Any) -> None:
        sent.append(request)

    got_request_exception.connect(receiver)
    try:
        yield sent
    finally:
        got_request_exception.disconnect(receiver)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(
    ("method", "url", "kwargs", "status", "code", "message", "exc_name"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_suspicious_request_is_a_4xx_envelope_logged_as_django_logs_it(
    caplog: pytest.LogCaptureFixture,
    request_exceptions: list[Any],
    path: str,
    method: str,
    url: str,
    kwargs: dict[str, Any],
    status: int,
    code: ErrorCode,
    message: str,
    exc_name: str,
) -> None:
    with caplog.at_level(logging.INFO):
        response = send(path, method, url, **kwargs)

    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": {"code": code.value, "message": message, "details": None}}
    assert "secret-internal" not in response.content.decode()
    assert request_exceptions == []
    # never a server error: nothing on restflow's logger, and Django does not log it again
    assert [r for r in caplog.records if r.name in ("restflow.exceptions", "django.request")] == []
    [record] = [r for r in caplog.records if r.name.startswith("django.security.")]
    assert record.name == f"django.security.{exc_name}"
    assert record.levelno == logging.ERROR
    assert record.status_code == status  # type: ignore[attr-defined]
    assert record.exc_info is not None and type(record.exc_info[1]).__name__ == exc_name


@pytest.mark.parametrize("path", PATHS)
def test_a_request_under_the_limits_is_answered(path: str) -> None:
    fields = send(path, "get", "/query/?" + "&".join(["a=1"] * 900))
    assert (fields.status_code, fields.json()) == (200, {"fields": 1})
    form = send(path, "post", "/echo/", data={f"f{i}": "x" for i in range(900)})
    assert (form.status_code, len(form.json())) == (200, 900)


# -- the mapping, through the handler directly (see also test_exceptions' table) --


@pytest.mark.parametrize(
    ("exc", "status", "code", "message"),
    [
        (django_exceptions.TooManyFieldsSent("n"), 400, ErrorCode.BAD_REQUEST, TOO_MANY_FIELDS),
        (django_exceptions.TooManyFilesSent("n"), 400, ErrorCode.BAD_REQUEST, TOO_MANY_FILES),
        (django_exceptions.DisallowedHost("evil.test"), 400, ErrorCode.BAD_REQUEST, BAD_REQUEST),
        (django_exceptions.BadRequest("/srv/internal"), 400, ErrorCode.BAD_REQUEST, BAD_REQUEST),
    ],
    ids=["fields", "files", "subclass", "django-bad-request"],
)
def test_handler_maps_django_client_errors(
    exc: Exception, status: int, code: ErrorCode, message: str
) -> None:
    response = exception_handler(exc, {"view": None, "request": None})
    assert response.status_code == status
    assert response.data == {"error": {"code": code.value, "message": message, "details": None}}


@override_settings(DEBUG=True)
def test_handler_names_the_django_exception_when_debug() -> None:
    exc = django_exceptions.TooManyFieldsSent("The number of GET/POST parameters exceeded.")
    response = exception_handler(exc, {"view": None, "request": None})
    assert response.status_code == 400
    assert response.data["error"]["message"] == (
        "TooManyFieldsSent: The number of GET/POST parameters exceeded."
    )
