"""restflow.exceptions: the error envelope, the code mapping, headers, rollback, 500s."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.signals import got_request_exception
from django.db import connections, transaction
from django.http import Http404
from django.test import Client, RequestFactory, override_settings
from rest_framework import exceptions as drf
from rest_framework.exceptions import ErrorDetail
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from coretests.models import Note
from coretests.views_exceptions import PersonSerializer, ProductLocked
from restflow.core.fallback import acall, is_loop_safe
from restflow.exceptions import (
    VALIDATION_MESSAGE,
    APIException,
    Conflict,
    ErrorCode,
    ServiceUnavailable,
    error_envelope,
    exception_handler,
    plain_details,
)

GENERIC_500 = "A server error occurred."
CONTEXT: dict[str, Any] = {"view": None, "args": (), "kwargs": {}, "request": None}


def handle(exc: Exception) -> Response:
    return exception_handler(exc, CONTEXT)


def with_auth_header(exc: drf.APIException) -> drf.APIException:
    exc.auth_header = 'Token realm="api"'  # type: ignore[attr-defined]
    return exc


def assert_plain(value: Any) -> None:
    """Only builtin JSON types all the way down (no ErrorDetail, no lazy strings)."""
    assert type(value) in (dict, list, str, int, float, bool, type(None)), type(value)
    if isinstance(value, dict):
        for key, item in value.items():
            assert type(key) is str
            assert_plain(item)
    elif isinstance(value, list):
        for item in value:
            assert_plain(item)


# -- one case per ErrorCode, through the handler directly ----------------------

AUTH = {"WWW-Authenticate": 'Token realm="api"'}

# id, exception factory, status, code, message, details, headers
CASES: list[tuple[str, Callable[[], Exception], int, ErrorCode, str, Any, dict[str, str]]] = [
    (
        "not_authenticated",
        lambda: with_auth_header(drf.NotAuthenticated()),
        401,
        ErrorCode.NOT_AUTHENTICATED,
        "Authentication credentials were not provided.",
        None,
        AUTH,
    ),
    (
        "authentication_failed",
        lambda: with_auth_header(drf.AuthenticationFailed("Invalid token.")),
        401,
        ErrorCode.AUTHENTICATION_FAILED,
        "Invalid token.",
        None,
        AUTH,
    ),
    (
        "permission_denied",
        drf.PermissionDenied,
        403,
        ErrorCode.PERMISSION_DENIED,
        "You do not have permission to perform this action.",
        None,
        {},
    ),
    (
        "validation_error",
        lambda: drf.ValidationError({"email": ["Enter a valid email."]}),
        400,
        ErrorCode.VALIDATION_ERROR,
        VALIDATION_MESSAGE,
        {"email": ["Enter a valid email."]},
        {},
    ),
    ("parse_error", drf.ParseError, 400, ErrorCode.PARSE_ERROR, "Malformed request.", None, {}),
    (
        "bad_request",
        lambda: SuspiciousOperation("secret-internal-detail"),
        400,
        ErrorCode.BAD_REQUEST,
        "Bad request.",
        None,
        {},
    ),
    (
        "payload_too_large",
        lambda: RequestDataTooBig("secret-internal-detail"),
        413,
        ErrorCode.PAYLOAD_TOO_LARGE,
        "The request body is too large.",
        None,
        {},
    ),
    ("not_found", drf.NotFound, 404, ErrorCode.NOT_FOUND, "Not found.", None, {}),
    (
        "method_not_allowed",
        lambda: drf.MethodNotAllowed("PUT"),
        405,
        ErrorCode.METHOD_NOT_ALLOWED,
        'Method "PUT" not allowed.',
        None,
        {},
    ),
    (
        "unsupported_media_type",
        lambda: drf.UnsupportedMediaType("text/plain"),
        415,
        ErrorCode.UNSUPPORTED_MEDIA_TYPE,
        'Unsupported media type "text/plain" in request.',
        None,
        {},
    ),
    (
        "not_acceptable",
        drf.NotAcceptable,
        406,
        ErrorCode.NOT_ACCEPTABLE,
        "Could not satisfy the request Accept header.",
        None,
        {},
    ),
    (
        "throttled",
        lambda: drf.Throttled(wait=42.5),
        429,
        ErrorCode.THROTTLED,
        "Request was throttled. Expected available in 43 seconds.",
        {"retry_after_seconds": 43},
        {"Retry-After": "43"},
    ),
    (
        "conflict",
        lambda: Conflict(details={"version": 2}),
        409,
        ErrorCode.CONFLICT,
        "The request conflicts with the current state of the resource.",
        {"version": 2},
        {},
    ),
    (
        "internal_error",
        lambda: KeyError("secret-internal-detail"),
        500,
        ErrorCode.INTERNAL_ERROR,
        GENERIC_500,
        None,
        {},
    ),
    (
        "service_unavailable",
        lambda: ServiceUnavailable(wait=29.2),
        503,
        ErrorCode.SERVICE_UNAVAILABLE,
        "The service is temporarily unavailable, try again later.",
        None,
        {"Retry-After": "30"},
    ),
    (
        "timeout",
        lambda: APIException(
            "The request took too long.", ErrorCode.TIMEOUT, status_code=504, details={"timeout": 2}
        ),
        504,
        ErrorCode.TIMEOUT,
        "The request took too long.",
        {"timeout": 2},
        {},
    ),
    (
        "django_http404",
        lambda: Http404("No Note matches the given query."),
        404,
        ErrorCode.NOT_FOUND,
        "No Note matches the given query.",
        None,
        {},
    ),
    (
        "django_permission_denied",
        DjangoPermissionDenied,
        403,
        ErrorCode.PERMISSION_DENIED,
        "You do not have permission to perform this action.",
        None,
        {},
    ),
]


def test_the_table_covers_every_error_code() -> None:
    assert {case[3] for case in CASES} == set(ErrorCode)
    assert len(ErrorCode) == 16


@pytest.mark.parametrize(
    ("make", "status", "code", "message", "details", "headers"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_handler_renders_the_envelope(
    make: Callable[[], Exception],
    status: int,
    code: ErrorCode,
    message: str,
    details: Any,
    headers: dict[str, str],
) -> None:
    response = handle(make())
    expected = {"error": {"code": code.value, "message": message, "details": details}}
    assert response.status_code == status
    assert response.data == expected
    assert json.loads(JSONRenderer().render(response.data)) == expected
    assert_plain(response.data)
    for name in ("WWW-Authenticate", "Retry-After"):
        if name in headers:
            assert response[name] == headers[name]
        else:
            assert name not in response


# -- details and messages ------------------------------------------------------


def _drf_version() -> tuple[int, ...]:
    import rest_framework

    return tuple(int(part) for part in rest_framework.VERSION.split(".")[:2])


def person_errors(data: dict[str, Any]) -> drf.ValidationError:
    serializer = PersonSerializer(data=data)
    with pytest.raises(drf.ValidationError) as info:
        serializer.is_valid(raise_exception=True)
    return info.value


def test_nested_serializer_errors_keep_their_structure() -> None:
    exc = person_errors(
        {
            "email": "not-an-email",
            "address": {"city": ""},
            "tags": [{"name": "ok"}, {"name": "far-too-long"}],
        }
    )
    response = handle(exc)
    assert response.status_code == 400
    assert response.data["error"]["message"] == VALIDATION_MESSAGE
    too_long = {"name": ["Ensure this field has no more than 5 characters."]}
    # DRF 3.18 reports a many=True child by its index (JSON makes the key a string);
    # earlier releases give a list with an empty dict for each valid child.
    tags = {"1": too_long} if _drf_version() >= (3, 18) else [{}, too_long]
    assert response.data["error"]["details"] == {
        "email": ["Enter a valid email address."],
        "address": {"city": ["This field may not be blank."], "zip": ["This field is required."]},
        "tags": tags,
    }
    assert_plain(response.data)


def test_list_of_dicts_errors_keep_their_positions() -> None:
    exc = drf.ValidationError([{}, {"name": [ErrorDetail("Too long.", code="max_length")]}])
    details = handle(exc).data["error"]["details"]
    assert details == {"non_field_errors": [{}, {"name": ["Too long."]}]}
    assert_plain(details)


def test_non_field_errors_are_kept_under_their_key() -> None:
    exc = person_errors(
        {"email": "x@blocked.test", "address": {"city": "Oslo", "zip": "01234"}, "tags": []}
    )
    details = handle(exc).data["error"]["details"]
    assert details == {"non_field_errors": ["This address is blocked."]}
    assert_plain(details)


def test_a_bare_validation_error_gives_its_messages_under_non_field_errors() -> None:
    response = handle(drf.ValidationError("Email already taken."))
    assert response.data["error"]["details"] == {"non_field_errors": ["Email already taken."]}
    assert response.data["error"]["message"] == VALIDATION_MESSAGE


def test_plain_details_drops_error_detail_and_stringifies_keys() -> None:
    value = {"a": [ErrorDetail("bad", code="invalid")], 3: ("x", 1, None)}
    converted = plain_details(value)
    assert converted == {"a": ["bad"], "3": ["x", 1, None]}
    assert type(converted["a"][0]) is str


def test_custom_exception_uses_its_code_status_and_raise_time_details() -> None:
    response = handle(ProductLocked(details={"locked_by": 3}))
    assert response.status_code == 409
    assert response.data == {
        "error": {
            "code": "conflict",
            "message": "The product is locked for editing.",
            "details": {"locked_by": 3},
        }
    }


def test_custom_exception_detail_and_code_override_the_message_and_both_codes() -> None:
    exc = ProductLocked("Locked by Ann.", code="locked")
    assert exc.detail == "Locked by Ann."
    assert exc.get_codes() == "locked"
    assert handle(exc).data["error"]["message"] == "Locked by Ann."
    assert handle(exc).data["error"]["code"] == "locked"
    assert ProductLocked().get_codes() == "conflict"


def test_dict_detail_becomes_details_with_the_default_message_as_summary() -> None:
    response = handle(Conflict({"sku": ["Already reserved."]}))
    assert response.data["error"] == {
        "code": "conflict",
        "message": "The request conflicts with the current state of the resource.",
        "details": {"sku": ["Already reserved."]},
    }


def test_code_may_be_given_as_enum_member_or_value() -> None:
    class ByMember(APIException):
        code = ErrorCode.SERVICE_UNAVAILABLE
        status_code = 503

    assert ByMember.code is ErrorCode.SERVICE_UNAVAILABLE
    assert ProductLocked.code is ErrorCode.CONFLICT
    assert handle(ByMember()).data["error"]["code"] == "service_unavailable"


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (400, "validation_error"),
        (409, "conflict"),
        (418, "validation_error"),
        (500, "internal_error"),
        (503, "service_unavailable"),
        (504, "timeout"),
    ],
)
def test_other_drf_exceptions_map_by_status(status: int, code: str) -> None:
    class Custom(drf.APIException):
        status_code = status
        default_detail = "Custom failure."

    response = handle(Custom())
    assert (response.status_code, response.data["error"]["code"]) == (status, code)
    assert response.data["error"]["message"] == "Custom failure."


def test_drf_subclasses_map_like_their_parent() -> None:
    class Gone(drf.NotFound):
        status_code = 410

    response = handle(Gone())
    assert (response.status_code, response.data["error"]["code"]) == (410, "not_found")


def test_not_authenticated_turned_into_403_keeps_its_code() -> None:
    exc = drf.NotAuthenticated()
    exc.status_code = 403  # what handle_exception does when there is no challenge
    response = handle(exc)
    assert (response.status_code, response.data["error"]["code"]) == (403, "not_authenticated")
    assert "WWW-Authenticate" not in response


def test_error_envelope_refuses_codes_that_are_not_strings() -> None:
    assert error_envelope("not_found", "gone") == {
        "error": {"code": "not_found", "message": "gone", "details": None}
    }
    with pytest.raises(TypeError, match="None"):
        error_envelope(None, "no")  # type: ignore[arg-type]


# -- 500s ----------------------------------------------------------------------


def test_internal_error_does_not_leak_and_is_logged_with_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    try:
        dict[str, int]()["secret-internal-detail"]
    except KeyError as exc:
        caught = exc
    with caplog.at_level(logging.ERROR, logger="restflow.exceptions"):
        response = handle(caught)
    assert response.data["error"]["message"] == GENERIC_500
    assert "secret-internal-detail" not in json.dumps(response.data)
    [record] = [r for r in caplog.records if r.name == "restflow.exceptions"]
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None and record.exc_info[1] is caught
    assert "Traceback" in caplog.text
    assert "test_internal_error_does_not_leak" in caplog.text


@override_settings(DEBUG=True)
def test_internal_error_shows_the_exception_when_debug() -> None:
    response = handle(KeyError("secret-internal-detail"))
    assert response.status_code == 500
    assert response.data["error"]["code"] == "internal_error"
    assert response.data["error"]["message"] == "KeyError: 'secret-internal-detail'"


def test_internal_error_sends_got_request_exception_with_the_request() -> None:
    received: list[Any] = []

    def receiver(sender: Any, request: Any, **kwargs: Any) -> None:
        received.append(request)

    django_request = RequestFactory().get("/boom/?x=1")
    drf_request = Request(django_request)

    got_request_exception.connect(receiver)
    try:
        exception_handler(ValueError("boom"), {"view": None, "request": drf_request})
        handle(drf.NotFound())
    finally:
        got_request_exception.disconnect(receiver)
    # DRF's Request, which hands Django's request attributes through
    assert received == [drf_request]
    assert received[0].META is django_request.META
    assert received[0].get_full_path() == "/boom/?x=1"


# -- loop safety and rollback --------------------------------------------------


async def test_handler_is_loop_safe_and_runs_on_the_loop() -> None:
    import threading

    assert is_loop_safe(exception_handler)
    thread = threading.get_ident()
    seen: list[int] = []

    def spy(sender: Any, request: Any, **kwargs: Any) -> None:
        seen.append(threading.get_ident())

    class FakeDrfRequest:
        _request = object()

    got_request_exception.connect(spy)
    try:
        response = await acall(exception_handler, KeyError("x"), {"request": FakeDrfRequest()})
    finally:
        got_request_exception.disconnect(spy)
    assert response.status_code == 500
    assert seen == [thread]


@pytest.fixture
def atomic_requests() -> Iterator[None]:
    settings_dict = connections["default"].settings_dict
    saved = settings_dict["ATOMIC_REQUESTS"]
    settings_dict["ATOMIC_REQUESTS"] = True
    try:
        yield
    finally:
        settings_dict["ATOMIC_REQUESTS"] = saved


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "exc",
    [drf.NotFound(), SuspiciousOperation("x"), KeyError("x")],
    ids=["4xx", "suspicious", "500"],
)
def test_handler_marks_the_atomic_request_for_rollback(
    atomic_requests: None, exc: Exception
) -> None:
    connection = connections["default"]
    with transaction.atomic():
        assert not connection.get_rollback()
        handle(exc)
        assert connection.get_rollback()


# -- end to end through sync DRF views ----------------------------------------

e2e = override_settings(ROOT_URLCONF="coretests.urls_exceptions")


@e2e
def test_e2e_validation_error_keeps_nested_errors() -> None:
    payload = {"email": "nope", "address": {"city": "Oslo", "zip": "1"}, "tags": [{"name": "ok"}]}
    response = Client().post("/people/", payload, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "validation_error",
            "message": VALIDATION_MESSAGE,
            "details": {
                "email": ["Enter a valid email address."],
                "address": {"zip": ["This value does not match the required pattern."]},
            },
        }
    }


@e2e
def test_e2e_parse_error_and_unsupported_media_type() -> None:
    client = Client()
    malformed = client.post("/people/", "{not json", content_type="application/json")
    assert malformed.status_code == 400
    assert malformed.json()["error"]["code"] == "parse_error"
    wrong_type = client.post("/people/", "email=x", content_type="text/plain")
    assert wrong_type.status_code == 415
    assert wrong_type.json()["error"]["code"] == "unsupported_media_type"


@e2e
def test_e2e_missing_and_bad_credentials_keep_www_authenticate() -> None:
    missing = Client().get("/protected/")
    assert missing.status_code == 401
    assert missing["WWW-Authenticate"] == 'Token realm="api"'
    assert missing.json()["error"]["code"] == "not_authenticated"
    bad = Client().get("/protected/", headers={"X-Token": "bad"})
    assert bad.status_code == 401
    assert bad["WWW-Authenticate"] == 'Token realm="api"'
    assert bad.json()["error"] == {
        "code": "authentication_failed",
        "message": "Invalid token.",
        "details": None,
    }


@e2e
def test_e2e_throttled_keeps_retry_after() -> None:
    response = Client().get("/throttled/")
    assert response.status_code == 429
    assert response["Retry-After"] == "43"
    assert response.json()["error"]["code"] == "throttled"
    assert response.json()["error"]["details"] == {"retry_after_seconds": 43}


@e2e
@pytest.mark.django_db
def test_e2e_django_http404_and_permission_denied() -> None:
    missing = Client().get("/notes/999/")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    forbidden = Client().get("/forbidden/")
    assert forbidden.status_code == 403
    assert forbidden.json()["error"] == {
        "code": "permission_denied",
        "message": "Members only.",
        "details": None,
    }


@e2e
def test_e2e_method_not_allowed_and_not_acceptable() -> None:
    client = Client()
    put = client.put("/locked/")
    assert put.status_code == 405
    assert put.json()["error"]["code"] == "method_not_allowed"
    xml = client.get("/locked/", headers={"Accept": "application/xml"})
    assert xml.status_code == 406
    assert xml.json()["error"]["code"] == "not_acceptable"


@e2e
def test_e2e_custom_conflict_with_details() -> None:
    response = Client().get("/locked/")
    assert response.status_code == 409
    assert response.json() == {
        "error": {
            "code": "conflict",
            "message": "The product is locked for editing.",
            "details": {"locked_by": 3},
        }
    }


@e2e
def test_e2e_unhandled_exception_is_a_500_envelope_without_the_message() -> None:
    response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == {
        "code": "internal_error",
        "message": GENERIC_500,
        "details": None,
    }
    assert "secret-internal-detail" not in response.content.decode()


@e2e
def test_e2e_unhandled_exception_still_reaches_the_test_client() -> None:
    # got_request_exception is sent, so Django's test client re-raises by default.
    with pytest.raises(KeyError, match="secret-internal-detail"):
        Client().get("/broken/")


@e2e
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("fail", "status", "rows"),
    [("", 201, 1), ("validation", 400, 0), ("crash", 500, 0)],
    ids=["success-commits", "4xx-rolls-back", "500-rolls-back"],
)
def test_e2e_atomic_requests_commit_nothing_on_error(
    atomic_requests: None, fail: str, status: int, rows: int
) -> None:
    client = Client(raise_request_exception=False)
    response = client.post(
        f"/notes/0/?fail={fail}", {"title": "draft"}, content_type="application/json"
    )
    assert response.status_code == status
    assert Note.objects.filter(title="draft").count() == rows
