"""restflow's ``APIException``: DRF's, plus an envelope ``code`` and raise-time ``details``."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions as drf_exceptions
from rest_framework import status

from restflow.exceptions.codes import ErrorCode, checked_code

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

__all__ = ["APIException", "Conflict", "ServiceUnavailable"]


class APIException(drf_exceptions.APIException):
    """Base for application errors rendered in restflow's error envelope.

    Subclasses set ``code`` (one of :class:`ErrorCode` or the application's own
    non-empty string, checked when the class is created), ``status_code`` and
    ``default_detail``. At raise time ``detail`` (the message), ``code``,
    ``status_code`` and ``details`` (a dict or list for the envelope's
    ``details``) override the class's, for that instance::

        class PaymentRequired(APIException):
            code = "payment_required"
            status_code = 402
            default_detail = "A paid plan is required."

        raise PaymentRequired(details={"plan": "pro"})
        raise APIException("Card declined.", code="card_declined", status_code=402)

    ``code`` is also DRF's ``ErrorDetail.code`` (what ``get_codes()`` answers),
    as with DRF's ``APIException(detail, code)``.
    """

    code: str = ErrorCode.INTERNAL_ERROR
    status_code: int = status.HTTP_500_INTERNAL_SERVER_ERROR
    default_detail: StrOrPromise = _("A server error occurred.")
    default_code = ErrorCode.INTERNAL_ERROR.value

    details: dict[str, Any] | list[Any] | None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.code = checked_code(cls.code, f"{cls.__module__}.{cls.__qualname__}.code")
        if "default_code" not in vars(cls):
            cls.default_code = str(cls.code)

    def __init__(
        self,
        detail: Any = None,
        code: str | None = None,
        *,
        details: dict[str, Any] | list[Any] | None = None,
        status_code: int | None = None,
    ) -> None:
        if code is not None:
            self.code = checked_code(code, f"{type(self).__qualname__}(code=...)")
        if status_code is not None:
            self.status_code = _checked_status(status_code, type(self).__qualname__)
        super().__init__(detail, code)
        self.details = details


def _checked_status(value: object, owner: str) -> int:
    if type(value) is not int or not 400 <= value <= 599:
        raise TypeError(
            f"{owner}(status_code={value!r}): an error status must be an int from 400 to 599."
        )
    return value


class Conflict(APIException):
    """409: the request conflicts with the current state of the resource."""

    code = ErrorCode.CONFLICT
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The request conflicts with the current state of the resource.")


class ServiceUnavailable(APIException):
    """503: try again later; ``wait`` (seconds) becomes the ``Retry-After`` header."""

    code = ErrorCode.SERVICE_UNAVAILABLE
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = _("The service is temporarily unavailable, try again later.")

    wait: int | None

    def __init__(self, *args: Any, wait: float | None = None, **kwargs: Any) -> None:
        """``APIException``'s arguments, plus ``wait``: seconds, rounded up for ``Retry-After``."""
        super().__init__(*args, **kwargs)
        self.wait = None if wait is None else math.ceil(wait)
