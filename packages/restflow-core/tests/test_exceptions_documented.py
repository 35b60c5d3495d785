"""The error envelope as the seeds and the reference library document it (issue 19, items 5-8).

Each test is the documented call and its documented result: application codes of
one's own, per-instance overrides, Django's ``ValidationError`` and
``ObjectDoesNotExist`` raised in a view (sync and async), validation details that
are always an object, and the throttled ``retry_after_seconds``.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.test import override_settings
from rest_framework import exceptions as drf

from coretests.both_paths import PATHS, send
from coretests.views_errors import PaymentRequired
from restflow.exceptions import (
    VALIDATION_MESSAGE,
    APIException,
    ErrorCode,
    error_envelope,
    exception_handler,
)

CONTEXT: dict[str, Any] = {"view": None, "args": (), "kwargs": {}, "request": None}
errors_urls = override_settings(ROOT_URLCONF="coretests.urls_errors")


def error_of(exc: Exception) -> tuple[int, dict[str, Any]]:
    response = exception_handler(exc, CONTEXT)
    return response.status_code, response.data["error"]


# -- 5. an application code of one's own ------------------------------------------


def test_a_class_may_use_its_own_code_string() -> None:
    assert error_of(PaymentRequired(details={"plan": "pro"})) == (
        402,
        {
            "code": "payment_required",
            "message": "A paid plan is required.",
            "details": {"plan": "pro"},
        },
    )
    assert PaymentRequired().get_codes() == "payment_required"  # DRF's ErrorDetail code too


def test_a_known_code_string_still_becomes_the_error_code_member() -> None:
    class Locked(APIException):
        code = "conflict"
        status_code = 409

    assert Locked.code is ErrorCode.CONFLICT


@pytest.mark.parametrize("code", ["", "   ", 42, None])
def test_a_code_that_is_not_a_non_empty_string_is_refused_naming_the_class(code: Any) -> None:
    with pytest.raises(TypeError, match=r"test_exceptions_documented\.Bad\.code"):
        type("Bad", (APIException,), {"code": code})  # class Bad(APIException): code = ...


def test_the_envelope_builder_takes_any_code_string() -> None:
    assert error_envelope("payment_required", "Pay.")["error"]["code"] == "payment_required"
    with pytest.raises(TypeError, match="code"):
        error_envelope("", "no")


# -- 6. per-instance overrides ----------------------------------------------------


def test_detail_code_status_and_details_are_overridable_per_instance() -> None:
    exc = APIException(
        detail="Card declined.", code="card_declined", status_code=402, details={"retry": False}
    )
    assert error_of(exc) == (
        402,
        {"code": "card_declined", "message": "Card declined.", "details": {"retry": False}},
    )
    assert exc.get_codes() == "card_declined"
    # the class keeps its own
    assert (APIException.code, APIException.status_code) == (ErrorCode.INTERNAL_ERROR, 500)
    assert error_of(PaymentRequired(status_code=409))[0] == 409


def test_a_positional_code_keeps_drf_s_call_shape() -> None:
    assert error_of(PaymentRequired("Upgrade first.", "upgrade"))[1]["code"] == "upgrade"


@pytest.mark.parametrize("status_code", ["402", 99, 200, 600, True])
def test_a_status_code_that_is_not_an_error_status_is_refused(status_code: Any) -> None:
    with pytest.raises(TypeError, match="status_code"):
        APIException("x", status_code=status_code)


def test_a_per_instance_code_must_be_a_non_empty_string() -> None:
    with pytest.raises(TypeError, match="code"):
        APIException("x", code="")


# -- 7. Django's exceptions raised in a view, sync and async ------------------------


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(
    ("kind", "details"),
    [
        ("django-message", {"non_field_errors": ["Value 7 is not allowed."]}),
        ("django-list", {"non_field_errors": ["First problem.", "Second problem."]}),
        ("django-dict", {"email": ["Taken."], "non_field_errors": ["Dates overlap."]}),
    ],
)
@errors_urls
def test_a_django_validation_error_is_a_400_validation_error(
    path: str, kind: str, details: dict[str, Any]
) -> None:
    response = send(path, "get", f"/errors/{kind}/")
    assert response.status_code == 400
    assert response.json() == {
        "error": {"code": "validation_error", "message": VALIDATION_MESSAGE, "details": details}
    }


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.django_db
@errors_urls
def test_object_does_not_exist_is_a_404_not_found(path: str) -> None:
    response = send(path, "get", "/errors/missing-row/")
    assert response.status_code == 404
    assert response.json()["error"] == {
        "code": "not_found",
        "message": "Not found.",
        "details": None,
    }


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(
    ("kind", "status", "code", "details"),
    [
        ("payment", 402, "payment_required", {"plan": "pro"}),
        ("per-instance", 402, "card_declined", None),
    ],
)
@errors_urls
def test_application_codes_reach_the_client(
    path: str, kind: str, status: int, code: str, details: Any
) -> None:
    response = send(path, "get", f"/errors/{kind}/")
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["details"] == details


def test_the_non_field_key_follows_drf_s_setting() -> None:
    with override_settings(REST_FRAMEWORK={"NON_FIELD_ERRORS_KEY": "errors"}):
        assert error_of(DjangoValidationError("Bad."))[1]["details"] == {"errors": ["Bad."]}
        assert error_of(drf.ValidationError("Bad."))[1]["details"] == {"errors": ["Bad."]}


def test_a_bare_object_does_not_exist_is_not_found_too() -> None:
    assert error_of(ObjectDoesNotExist("Note matching query does not exist."))[:1] == (404,)


# -- 8. validation details are always an object; throttled carries retry_after_seconds


@pytest.mark.parametrize(
    ("exc", "details"),
    [
        (
            drf.ValidationError("Email already taken."),
            {"non_field_errors": ["Email already taken."]},
        ),
        (drf.ValidationError(["a", "b"]), {"non_field_errors": ["a", "b"]}),
        (
            drf.ValidationError([{}, {"name": ["Too long."]}]),  # a many=True serializer's errors
            {"non_field_errors": [{}, {"name": ["Too long."]}]},
        ),
        (drf.ValidationError({"name": ["Required."]}), {"name": ["Required."]}),
    ],
)
def test_validation_error_details_are_always_an_object(exc: Exception, details: Any) -> None:
    status, error = error_of(exc)
    assert (status, error["code"], error["details"]) == (400, "validation_error", details)


@pytest.mark.parametrize(("wait", "details"), [(42.5, {"retry_after_seconds": 43}), (None, {})])
def test_throttled_details_carry_retry_after_seconds(wait: float | None, details: Any) -> None:
    status, error = error_of(drf.Throttled(wait=wait))
    assert (status, error["code"], error["details"]) == (429, "throttled", details)
