"""DRF serializers of the example models, for the samples that show views rather than serializers.

A page imports them by name (``from docs_support.serializers import ProductSerializer``).
"""

from __future__ import annotations

from rest_framework import serializers

from docs_support.models import Order, Product


class ProductSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Product
        fields = ["id", "name", "description", "price", "in_stock", "category"]


class ProductListSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Product
        fields = ["id", "name", "price"]


class ProductWithReviewsSerializer(ProductSerializer):
    """A product with the ``latest_reviews`` a PostFetch attaches."""

    latest_reviews = serializers.ListField(read_only=True, default=list)

    class Meta(ProductSerializer.Meta):
        fields = [*ProductSerializer.Meta.fields, "latest_reviews"]


class OrderSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Order
        fields = ["id", "product", "quantity"]


class OrderCreateSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Order
        fields = ["product", "quantity"]
