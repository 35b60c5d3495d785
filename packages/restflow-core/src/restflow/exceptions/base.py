"""restflow's ``APIException``: DRF's, plus an envelope ``code`` and raise-time ``details``."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, ClassVar

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions as drf_exceptions
from rest_framework import status

from restflow.exceptions.codes import ErrorCode

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

__all__ = ["APIException", "Conflict", "ServiceUnavailable"]


class APIException(drf_exceptions.APIException):
    """Base for application errors rendered in restflow's error envelope.

    Subclasses set ``code`` (an :class:`ErrorCode`, checked when the class is
    created), ``status_code`` and ``default_detail``. At raise time, ``detail``
    overrides the message and ``details`` (a dict or list) fills the
    envelope's ``details``::

        class ProductLocked(APIException):
            code = ErrorCode.CONFLICT
            status_code = 409
            default_detail = "The product is locked for editing."

        raise ProductLocked(details={"locked_by": user.id})

    ``code=`` keeps DRF's meaning (the ``ErrorDetail.code``); it defaults to
    the envelope code.
    """

    code: ClassVar[str] = ErrorCode.INTERNAL_ERROR
    status_code: int = status.HTTP_500_INTERNAL_SERVER_ERROR
    default_detail: StrOrPromise = _("A server error occurred.")
    default_code = ErrorCode.INTERNAL_ERROR.value

    details: dict[str, Any] | list[Any] | None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        raw = cls.code
        try:
            cls.code = ErrorCode(raw)
        except ValueError:
            allowed = ", ".join(member.value for member in ErrorCode)
            raise TypeError(
                f"{cls.__module__}.{cls.__qualname__}.code is {raw!r}; "
                f"it must be one of restflow.exceptions.ErrorCode: {allowed}."
            ) from None
        if "default_code" not in vars(cls):
            cls.default_code = str(cls.code)

    def __init__(
        self,
        detail: Any = None,
        code: str | None = None,
        *,
        details: dict[str, Any] | list[Any] | None = None,
    ) -> None:
        super().__init__(detail, code)
        self.details = details


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

    def __init__(
        self,
        detail: Any = None,
        code: str | None = None,
        *,
        details: dict[str, Any] | list[Any] | None = None,
        wait: float | None = None,
    ) -> None:
        super().__init__(detail, code, details=details)
        self.wait = None if wait is None else math.ceil(wait)
