"""restflow.exceptions: one error envelope for every API error (part of restflow-core).

Set ``REST_FRAMEWORK["EXCEPTION_HANDLER"] = "restflow.exceptions.exception_handler"``
and every error renders as ``{"error": {"code", "message", "details"}}``.
"""

from restflow.exceptions.base import APIException, Conflict, ServiceUnavailable
from restflow.exceptions.codes import ErrorCode
from restflow.exceptions.envelope import ErrorBody, ErrorEnvelope, error_envelope, plain_details
from restflow.exceptions.handler import VALIDATION_MESSAGE, exception_handler

__all__ = [
    "VALIDATION_MESSAGE",
    "APIException",
    "Conflict",
    "ErrorBody",
    "ErrorCode",
    "ErrorEnvelope",
    "ServiceUnavailable",
    "error_envelope",
    "exception_handler",
    "plain_details",
]
