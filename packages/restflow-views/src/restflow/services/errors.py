"""Errors a service or selector raises, without importing DRF.

Service code stays framework-agnostic: it raises these and the service views
turn them into restflow's error envelope (:func:`restflow.services.as_api_error`).
``ServiceError`` itself is a business rule the client broke (400); the
subclasses carry their own status. Any other exception is a 500 whose
message the client never sees.
"""

from __future__ import annotations

from typing import Any, ClassVar

__all__ = ["ServiceConflict", "ServiceError", "ServiceNotFound", "ServiceValidationError"]


class ServiceError(Exception):
    """A business rule refused the operation: 400 with ``code`` and ``message``.

    ``raise ServiceError("Out of stock.", code="out_of_stock", details={"sku": sku})``
    """

    code: ClassVar[str] = "service_error"
    status_code: ClassVar[int] = 400
    default_message: ClassVar[str] = "The operation was refused."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        details: dict[str, Any] | list[Any] | None = None,
    ) -> None:
        self.message = self.default_message if message is None else str(message)
        if code is not None:
            if not isinstance(code, str) or not code:
                raise TypeError(f"{type(self).__qualname__}(code={code!r}): a non-empty string.")
            self.code = code  # type: ignore[misc]  # the instance's own code
        self.details = details
        super().__init__(self.message)


class ServiceValidationError(ServiceError):
    """The input breaks a rule only the service can check: 400 with field details.

    ``raise ServiceValidationError({"email": ["Already registered."]})``
    """

    code: ClassVar[str] = "validation_error"
    default_message: ClassVar[str] = "Request validation failed."

    def __init__(
        self,
        details: dict[str, Any] | list[Any] | str | None = None,
        *,
        message: str | None = None,
        code: str | None = None,
    ) -> None:
        if isinstance(details, str):
            details = [details]  # rendered under DRF's non-field key
        super().__init__(message, code=code, details=details)


class ServiceNotFound(ServiceError):
    """What the service was asked to act on does not exist: 404."""

    code: ClassVar[str] = "not_found"
    status_code: ClassVar[int] = 404
    default_message: ClassVar[str] = "Not found."


class ServiceConflict(ServiceError):
    """The operation conflicts with the current state: 409."""

    code: ClassVar[str] = "conflict"
    status_code: ClassVar[int] = 409
    default_message: ClassVar[str] = "The request conflicts with the current state of the resource."
