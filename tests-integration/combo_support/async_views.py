"""restflow-views' async generics, with the filters and JWT pieces when they are installed."""

from __future__ import annotations

import importlib.util
from typing import Any

from rest_framework import serializers

from combo_support.models import Book
from restflow.pagination import PageNumberPagination
from restflow.views import AsyncListAPIView, AsyncRetrieveAPIView


class BookSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Book
        fields = ["id", "title", "pages", "genre"]


class TwoPerPage(PageNumberPagination):
    page_size = 2


class AsyncBooks(AsyncListAPIView):
    queryset = Book.objects.all()
    serializer_class = BookSerializer
    pagination_class = TwoPerPage
    authentication_classes: list[Any] = []
    filter_backends: list[Any] = []


class AsyncBook(AsyncRetrieveAPIView):
    queryset = Book.objects.all()
    serializer_class = BookSerializer
    authentication_classes: list[Any] = []


if importlib.util.find_spec("restflow.filters"):
    from combo_support.filter_views import BookFilterSet
    from restflow.filters import RestflowFilterBackend

    class AsyncFilteredBooks(AsyncBooks):
        filter_backends = [RestflowFilterBackend]
        filterset_class = BookFilterSet


if importlib.util.find_spec("restflow.authentication"):
    from restflow.authentication import JWTAuthentication
    from restflow.permissions import IsAuthenticated

    class AsyncPrivateBooks(AsyncBooks):
        authentication_classes = [JWTAuthentication]
        permission_classes = [IsAuthenticated]
