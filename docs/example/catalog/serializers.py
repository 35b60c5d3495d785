"""The catalogue's serializers: one per direction and action where they differ."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers as drf

from catalog.models import Category, Order, OrderLine, Product, Review
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
        fields = ["id", "name", "price", "in_stock", "stock", "category", "latest_reviews"]


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
            "stock",
            "category",
            "created_at",
            "latest_reviews",
        ]


class ProductWriteSerializer(ModelSerializer):
    """The body of a create or an update: the category by id."""

    price = drf.DecimalField(max_digits=8, decimal_places=2, min_value=0)

    class Meta:
        model = Product
        fields = ["name", "description", "price", "in_stock", "stock", "category"]


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


class OrderLineInputSerializer(Serializer):
    """One line of a new order: a product and how many of it."""

    product = drf.PrimaryKeyRelatedField(queryset=Product.objects.all())
    quantity = drf.IntegerField(min_value=1, max_value=100)


class OrderCreateSerializer(Serializer):
    """The body of ``POST /api/orders/``: up to 20 lines; a product named twice adds up."""

    lines = OrderLineInputSerializer(many=True, min_length=1, max_length=20)


class OrderLineSerializer(ModelSerializer):
    """A line as ordered: the product (``null`` once deleted), its name and price then."""

    class Meta:
        model = OrderLine
        fields = ["product", "name", "quantity", "unit_price"]


class OrderSerializer(ModelSerializer):
    """An order with its lines (``line_items``: attached by the service and the selectors)."""

    lines = OrderLineSerializer(many=True, read_only=True, source="line_items")

    class Meta:
        model = Order
        fields = ["id", "created_at", "total", "lines"]


class ParcelSerializer(Serializer):
    """A parcel to quote (``POST /api/shipping/quote/``): where to, how many items."""

    country = drf.RegexField(
        r"^[A-Z]{2}$", help_text="ISO 3166-1 alpha-2 code of the destination (FR, US, …)."
    )
    items = drf.IntegerField(min_value=1, max_value=100)


class ShippingQuoteSerializer(Serializer):
    """The carrier's quote (``catalog.carrier.Quote``)."""

    country = drf.CharField()
    items = drf.IntegerField()
    carrier = drf.CharField()
    price = drf.DecimalField(max_digits=8, decimal_places=2)
    currency = drf.CharField()
    days = drf.IntegerField(help_text="Days to deliver.")
