"""Views raising Django's own exceptions and application error codes, sync and async twins."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from coretests.models import Note
from restflow.core import BaseAsyncAPIView
from restflow.exceptions import APIException


class PaymentRequired(APIException):
    """An application error with its own code, as the reference library's users write them."""

    code = "payment_required"
    status_code = 402
    default_detail = "A paid plan is required."


def _raise(kind: str) -> None:
    if kind == "django-message":
        raise DjangoValidationError("Value %(value)s is not allowed.", params={"value": 7})
    if kind == "django-list":
        raise DjangoValidationError(["First problem.", "Second problem."])
    if kind == "django-dict":
        raise DjangoValidationError({"email": "Taken.", "__all__": ["Dates overlap."]})
    if kind == "payment":
        raise PaymentRequired(details={"plan": "pro"})
    if kind == "per-instance":
        raise APIException("Card declined.", code="card_declined", status_code=402)


class Open:
    authentication_classes: list[type] = []
    permission_classes: list[type] = []
    throttle_classes: list[type] = []


class SyncErrors(Open, APIView):
    def get(self, request: Request, kind: str) -> Response:
        if kind == "missing-row":
            return Response({"title": Note.objects.get(pk=10**6).title})
        _raise(kind)
        return Response({})


class AsyncErrors(Open, BaseAsyncAPIView):
    async def get(self, request: Request, kind: str) -> Response:
        if kind == "missing-row":
            return Response({"title": (await Note.objects.aget(pk=10**6)).title})
        _raise(kind)
        return Response({})
