"""The catalogue's serializers: one per direction and action where they differ."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers as drf

from catalog.models import Category, Product, Review
from restflow.serializers import ModelSerializer, Serializer


class CategorySerializer(ModelSerializer):
    """A category, as listed and as created."""

    class Meta:
        model = Category
        fields = ["id", "name", "slug"]


class LatestReviewSerializer(Serializer):
    """One of a product's latest reviews, as attached by the ``latest_reviews`` PostFetch."""

    id = drf.IntegerField()
    rating = drf.IntegerField(min_value=1, max_value=5)
    comment = drf.CharField(allow_blank=True)
    created_at = drf.DateTimeField()


class ProductListSerializer(ModelSerializer):
    """A product in the list: the essentials and its three latest reviews."""

    latest_reviews = LatestReviewSerializer(many=True, read_only=True)

    class Meta:
        model = Product
        fields = ["id", "name", "price", "in_stock", "category", "latest_reviews"]


class ProductDetailSerializer(ModelSerializer):
    """A product in full (retrieve, and the response of every write)."""

    category = CategorySerializer(read_only=True)
    latest_reviews = LatestReviewSerializer(many=True, read_only=True)

    class Meta:
        model = Product
        fields = [
            "id",
            "name",
            "description",
            "price",
            "in_stock",
            "category",
            "created_at",
            "latest_reviews",
        ]


class ProductWriteSerializer(ModelSerializer):
    """The body of a create or an update: the category by id."""

    price = drf.DecimalField(max_digits=8, decimal_places=2, min_value=0)

    class Meta:
        model = Product
        fields = ["name", "description", "price", "in_stock", "category"]


class ReviewSerializer(ModelSerializer):
    """A review as read back: the author's username, read-only."""

    author: drf.SlugRelatedField[Any] = drf.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Review
        fields = ["id", "product", "author", "rating", "comment", "created_at"]
        read_only_fields = ["author", "created_at"]


class ReviewCreateSerializer(ModelSerializer):
    """The body of a new review; the author is the logged-in user."""

    class Meta:
        model = Review
        fields = ["product", "rating", "comment"]


class CategoryStatsSerializer(Serializer):
    """Figures for one category."""

    slug = drf.CharField()
    name = drf.CharField()
    products = drf.IntegerField()
    in_stock = drf.IntegerField()
    reviews = drf.IntegerField()
    average_rating = drf.FloatField(allow_null=True)


class StatsSerializer(Serializer):
    """The catalogue's figures (``cache_result``; recomputed after a write)."""

    products = drf.IntegerField()
    reviews = drf.IntegerField()
    categories = CategoryStatsSerializer(many=True)


class TopRatedSerializer(Serializer):
    """A product with its average rating."""

    id = drf.IntegerField()
    name = drf.CharField()
    average_rating = drf.FloatField()
    review_count = drf.IntegerField()


def as_float(value: Any) -> float | None:
    """An aggregate's value as a JSON number (``None`` stays ``None``)."""
    return None if value is None else round(float(value), 2)
