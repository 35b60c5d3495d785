"""Sync DRF views raising every kind of error, for the exception-handler tests."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import get_object_or_404
from rest_framework import authentication, exceptions, permissions, serializers, throttling
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from coretests.models import Note
from restflow.exceptions import APIException, ErrorCode


class ProductLocked(APIException):
    """The documented example: a custom conflict with raise-time details."""

    code = ErrorCode.CONFLICT.value
    status_code = 409
    default_detail = "The product is locked for editing."


class AddressSerializer(serializers.Serializer[Any]):
    city = serializers.CharField()
    zip = serializers.RegexField(r"^\d{5}$")


class TagSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=5)


class PersonSerializer(serializers.Serializer[Any]):
    email = serializers.EmailField()
    address = AddressSerializer()
    tags = TagSerializer(many=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["email"].endswith("@blocked.test"):
            raise serializers.ValidationError("This address is blocked.")
        return attrs


class TokenAuthentication(authentication.BaseAuthentication):
    """Refuses ``X-Token: bad``; has a ``WWW-Authenticate`` challenge."""

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        if request.META.get("HTTP_X_TOKEN") == "bad":
            raise exceptions.AuthenticationFailed("Invalid token.")
        return None

    def authenticate_header(self, request: Request) -> str:
        return 'Token realm="api"'


class NeverThrottle(throttling.BaseThrottle):
    def allow_request(self, request: Request, view: Any) -> bool:
        return False

    def wait(self) -> float:
        return 42.5


class BareView(APIView):
    """No authentication, permission or throttle: the handler decides everything."""

    authentication_classes: list[type] = []
    permission_classes: list[type] = []
    throttle_classes: list[type] = []
    parser_classes = [JSONParser]
    renderer_classes = [JSONRenderer]


class PersonView(BareView):
    def post(self, request: Request) -> Response:
        serializer = PersonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(serializer.validated_data)


class ProtectedView(BareView):
    authentication_classes = [TokenAuthentication]
    permission_classes = [permissions.IsAuthenticated]

    def get(self, request: Request) -> Response:
        return Response({})


class ThrottledView(BareView):
    throttle_classes = [NeverThrottle]

    def get(self, request: Request) -> Response:
        return Response({})


class NoteView(BareView):
    """GET a note (404 when missing); POST creates one, then fails as ``?fail=`` says."""

    def get(self, request: Request, pk: int) -> Response:
        return Response({"title": get_object_or_404(Note, pk=pk).title})

    def post(self, request: Request, pk: int) -> Response:
        Note.objects.create(title=request.data["title"])
        fail = request.query_params.get("fail")
        if fail == "validation":
            raise exceptions.ValidationError({"title": ["Rejected after the insert."]})
        if fail == "crash":
            raise KeyError("secret-internal-detail")
        return Response({}, status=201)


class ForbiddenView(BareView):
    def get(self, request: Request) -> Response:
        raise DjangoPermissionDenied("Members only.")


class LockedView(BareView):
    def get(self, request: Request) -> Response:
        raise ProductLocked(details={"locked_by": 3})


class BrokenView(BareView):
    def get(self, request: Request) -> Response:
        raise KeyError("secret-internal-detail")
