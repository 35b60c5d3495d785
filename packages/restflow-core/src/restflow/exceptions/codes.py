"""restflow's own error codes, and the rule for an application's: any non-empty string."""

from __future__ import annotations

import enum

__all__ = ["ErrorCode", "checked_code"]


class ErrorCode(enum.StrEnum):
    """restflow's stable, machine-readable error codes; members compare equal to their values."""

    NOT_AUTHENTICATED = "not_authenticated"
    AUTHENTICATION_FAILED = "authentication_failed"
    PERMISSION_DENIED = "permission_denied"
    VALIDATION_ERROR = "validation_error"
    PARSE_ERROR = "parse_error"
    BAD_REQUEST = "bad_request"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    NOT_ACCEPTABLE = "not_acceptable"
    THROTTLED = "throttled"
    CONFLICT = "conflict"
    INTERNAL_ERROR = "internal_error"
    SERVICE_UNAVAILABLE = "service_unavailable"
    TIMEOUT = "timeout"


def checked_code(value: object, culprit: str) -> str:
    """``value`` as an envelope code: the :class:`ErrorCode` member when it is one of restflow's.

    An application may use its own code (``"payment_required"``); anything but a
    non-empty string raises a ``TypeError`` naming ``culprit``.
    """
    if not isinstance(value, str) or not value.strip():
        raise TypeError(f"{culprit} is {value!r}; an error code must be a non-empty string.")
    try:
        return ErrorCode(value)
    except ValueError:
        return value
