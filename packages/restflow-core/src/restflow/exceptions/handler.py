"""DRF ``EXCEPTION_HANDLER`` rendering every error in restflow's envelope."""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core import exceptions as django_exceptions
from django.core.signals import got_request_exception
from django.db import connections
from django.http import Http404
from django.utils.encoding import force_str
from django.utils.functional import Promise
from django.utils.log import log_response
from rest_framework import exceptions as drf_exceptions
from rest_framework.response import Response
from rest_framework.settings import api_settings

from restflow.core.fallback import mark_loop_safe
from restflow.exceptions.base import APIException
from restflow.exceptions.codes import ErrorCode
from restflow.exceptions.envelope import error_envelope

__all__ = ["VALIDATION_MESSAGE", "exception_handler"]

logger = logging.getLogger("restflow.exceptions")

VALIDATION_MESSAGE = "Request validation failed."
_INTERNAL_MESSAGE = "A server error occurred."

# Django's own client errors, answered as Django answers them (400; 413 for a
# body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``). Their messages name settings and
# may repeat client input, so the client gets a fixed one (unless ``DEBUG``).
_CLIENT_ERRORS = (django_exceptions.SuspiciousOperation, django_exceptions.BadRequest)
_CLIENT_MESSAGES: tuple[tuple[type[Exception], str], ...] = (
    (django_exceptions.RequestDataTooBig, "The request body is too large."),
    (django_exceptions.TooManyFieldsSent, "The request has too many fields."),
    (django_exceptions.TooManyFilesSent, "The request has too many files."),
)
_BAD_REQUEST_MESSAGE = "Bad request."

# Looked up along the exception's MRO, so DRF subclasses map like their parent.
_CODE_BY_CLASS: dict[type[BaseException], ErrorCode] = {
    drf_exceptions.NotAuthenticated: ErrorCode.NOT_AUTHENTICATED,
    drf_exceptions.AuthenticationFailed: ErrorCode.AUTHENTICATION_FAILED,
    drf_exceptions.PermissionDenied: ErrorCode.PERMISSION_DENIED,
    drf_exceptions.ValidationError: ErrorCode.VALIDATION_ERROR,
    drf_exceptions.ParseError: ErrorCode.PARSE_ERROR,
    drf_exceptions.NotFound: ErrorCode.NOT_FOUND,
    drf_exceptions.MethodNotAllowed: ErrorCode.METHOD_NOT_ALLOWED,
    drf_exceptions.UnsupportedMediaType: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    drf_exceptions.NotAcceptable: ErrorCode.NOT_ACCEPTABLE,
    drf_exceptions.Throttled: ErrorCode.THROTTLED,
}

# For other DRF ``APIException`` subclasses: decided by status code.
_CODE_BY_STATUS: dict[int, ErrorCode] = {
    401: ErrorCode.NOT_AUTHENTICATED,
    403: ErrorCode.PERMISSION_DENIED,
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.METHOD_NOT_ALLOWED,
    406: ErrorCode.NOT_ACCEPTABLE,
    409: ErrorCode.CONFLICT,
    410: ErrorCode.NOT_FOUND,
    413: ErrorCode.PAYLOAD_TOO_LARGE,
    415: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    429: ErrorCode.THROTTLED,
    503: ErrorCode.SERVICE_UNAVAILABLE,
    504: ErrorCode.TIMEOUT,
}


@mark_loop_safe
def exception_handler(exc: Exception, context: Mapping[str, Any]) -> Response:
    """Render ``exc`` as ``{"error": {"code", "message", "details"}}``; never returns ``None``.

    DRF exceptions, Django's ``Http404`` and ``PermissionDenied`` and
    restflow's :class:`APIException` keep their status and map to an
    :class:`ErrorCode` (an :class:`APIException` keeps its own code);
    ``WWW-Authenticate`` and ``Retry-After`` are set as DRF's own handler sets
    them. Django's ``ValidationError`` is a 400 ``validation_error`` with its
    messages, ``ObjectDoesNotExist`` a 404 ``not_found``. ``validation_error``
    details are always an object (a message or a list goes under DRF's
    ``NON_FIELD_ERRORS_KEY``); ``throttled`` details carry
    ``retry_after_seconds``. Django's ``SuspiciousOperation`` family
    (too many fields or files, a body over the size limit, ...) and
    ``BadRequest`` are client errors, as in Django: a 400 ``bad_request``, or
    a 413 ``payload_too_large`` for ``RequestDataTooBig``, with a fixed
    message; a ``SuspiciousOperation`` is logged where Django logs it, on
    ``django.security.<ClassName>``. Any other exception becomes a 500
    ``internal_error`` whose message hides the exception unless ``DEBUG``;
    it is logged on ``restflow.exceptions`` with its traceback, and Django's
    ``got_request_exception`` is sent, as for an uncaught exception. The
    current atomic request block is always marked for rollback.
    """
    exc = _from_django(exc)
    if isinstance(exc, drf_exceptions.APIException):
        response = _api_response(exc)
    elif isinstance(exc, _CLIENT_ERRORS):
        response = _client_error_response(exc, context)
    else:
        response = _internal_response(exc, context)
    _set_rollback()
    return response


def _set_rollback() -> None:
    """Mark every database's atomic request block for rollback, as DRF's ``set_rollback`` does.

    Written with Django's public API rather than imported: ``rest_framework.views``
    imports the classes named in DRF's settings while it loads, and restflow classes
    named there import this module.
    """
    for connection in connections.all():
        if connection.settings_dict["ATOMIC_REQUESTS"] and connection.in_atomic_block:
            connection.set_rollback(True)


def _from_django(exc: Exception) -> Exception:
    if isinstance(exc, Http404):
        return drf_exceptions.NotFound(*exc.args)
    if isinstance(exc, django_exceptions.ObjectDoesNotExist):
        return drf_exceptions.NotFound()  # its message names the model and the lookup
    if isinstance(exc, django_exceptions.PermissionDenied):
        return drf_exceptions.PermissionDenied(*exc.args)
    if isinstance(exc, django_exceptions.ValidationError):
        return drf_exceptions.ValidationError(_django_messages(exc))
    return exc


def _django_messages(exc: django_exceptions.ValidationError) -> Any:
    """A Django ``ValidationError``'s messages: by field (``__all__`` under DRF's key), or a list."""
    if not hasattr(exc, "error_dict"):
        return exc.messages
    non_field = api_settings.NON_FIELD_ERRORS_KEY
    return {
        non_field if field == django_exceptions.NON_FIELD_ERRORS else field: messages
        for field, messages in exc.message_dict.items()
    }


def _as_object(details: Any) -> Any:
    """Validation details as an object: a list or a message goes under DRF's non-field key."""
    if isinstance(details, dict):
        return details
    return {api_settings.NON_FIELD_ERRORS_KEY: details if isinstance(details, list) else [details]}


def _code_for(exc: drf_exceptions.APIException) -> str:
    if isinstance(exc, APIException):
        return exc.code
    for klass in type(exc).__mro__:
        code = _CODE_BY_CLASS.get(klass)
        if code is not None:
            return code
    status_code = exc.status_code
    if status_code in _CODE_BY_STATUS:
        return _CODE_BY_STATUS[status_code]
    return ErrorCode.VALIDATION_ERROR if status_code < 500 else ErrorCode.INTERNAL_ERROR


def _message_and_details(exc: drf_exceptions.APIException, code: str) -> tuple[str, Any]:
    detail = exc.detail
    details = getattr(exc, "details", None)
    if isinstance(exc, drf_exceptions.ValidationError):
        return VALIDATION_MESSAGE, _as_object(detail if details is None else details)
    if isinstance(detail, (dict, list)):
        default = exc.default_detail
        summary = default if isinstance(default, (str, Promise)) else _INTERNAL_MESSAGE
        message = force_str(summary)
    else:
        message = force_str(detail)
    if details is None and isinstance(detail, (dict, list)):
        details = detail
    if code == ErrorCode.VALIDATION_ERROR:
        details = _as_object(message if details is None else details)
    elif code == ErrorCode.THROTTLED and details is None:
        wait = getattr(exc, "wait", None)
        details = {} if wait is None else {"retry_after_seconds": math.ceil(wait)}
    return message, details


def _api_response(exc: drf_exceptions.APIException) -> Response:
    code = _code_for(exc)
    message, details = _message_and_details(exc, code)
    headers: dict[str, str] = {}
    auth_header = getattr(exc, "auth_header", None)
    if auth_header:
        headers["WWW-Authenticate"] = auth_header
    wait = getattr(exc, "wait", None)
    if wait:
        headers["Retry-After"] = str(int(wait))
    return Response(error_envelope(code, message, details), status=exc.status_code, headers=headers)


def _django_request(context: Mapping[str, Any]) -> Any:
    """The request, for logs and signals: DRF's ``Request`` stands for Django's (it proxies it)."""
    return context.get("request")


def _debug_message(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"


def _client_error_response(exc: Exception, context: Mapping[str, Any]) -> Response:
    """A Django client error: never a server error, never ``got_request_exception``."""
    if isinstance(exc, django_exceptions.RequestDataTooBig):
        code, status = ErrorCode.PAYLOAD_TOO_LARGE, 413
    else:
        code, status = ErrorCode.BAD_REQUEST, 400
    if settings.DEBUG:
        message = _debug_message(exc)
    else:
        message = next(
            (text for klass, text in _CLIENT_MESSAGES if isinstance(exc, klass)),
            _BAD_REQUEST_MESSAGE,
        )
    response = Response(error_envelope(code, message), status=status)
    if isinstance(exc, django_exceptions.SuspiciousOperation):
        # As Django's own handler does: a project's django.security logging applies,
        # and marking the response logged keeps Django from logging it again.
        log_response(
            "%s",
            str(exc),
            response=response,
            request=_django_request(context),
            logger=logging.getLogger(f"django.security.{type(exc).__name__}"),
            level="error",
            exception=exc,
        )
    return response


def _internal_response(exc: Exception, context: Mapping[str, Any]) -> Response:
    view = context.get("view")
    request = _django_request(context)
    where = type(view).__qualname__ if view is not None else "a view"
    logger.error(
        "Unhandled %s in %s",
        type(exc).__name__,
        where,
        exc_info=(type(exc), exc, exc.__traceback__),
        extra={"status_code": 500, "request": request},
    )
    if request is not None:
        got_request_exception.send(sender=None, request=request)
    message = _debug_message(exc) if settings.DEBUG else _INTERNAL_MESSAGE
    return Response(error_envelope(ErrorCode.INTERNAL_ERROR, message), status=500)
