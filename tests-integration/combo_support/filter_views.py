"""A plain DRF ListAPIView filtered by restflow-filters (no restflow-views needed)."""

from __future__ import annotations

from rest_framework import generics, serializers

from combo_support.models import Book
from restflow.filters import FilterSet, IntegerField, RestflowFilterBackend, StringField


class BookFilterSet(FilterSet):
    title = StringField(lookups=["icontains"])
    pages = IntegerField(lookups=["comparison"])

    class Meta:
        model = Book
        fields = ["genre"]
        order_fields = ["title", "pages"]


class BookSerializer(serializers.ModelSerializer):
    class Meta:
        model = Book
        fields = ["title", "pages", "genre"]


class BookList(generics.ListAPIView):
    queryset = Book.objects.all()
    serializer_class = BookSerializer
    filter_backends = [RestflowFilterBackend]
    filterset_class = BookFilterSet
