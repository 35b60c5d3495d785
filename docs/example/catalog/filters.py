"""The product list's FilterSet (restflow-filters)."""

from __future__ import annotations

from catalog.models import Product, Review
from restflow.filters import (
    BooleanField,
    DateTimeField,
    DecimalField,
    FilterSet,
    IntegerField,
    StringField,
)


class ProductFilterSet(FilterSet):
    """``?name__icontains=tea&price__lte=20&in_stock=true&category__slug=kitchen&order_by=-price``."""

    name = StringField(lookups=["icontains", "startswith"], help_text="Product name.")
    price = DecimalField(
        lookups=["comparison"], max_digits=8, decimal_places=2, help_text="Price in euros."
    )
    in_stock = BooleanField(help_text="Only products in stock (true) or out of stock (false).")
    created_at = DateTimeField(lookups=["comparison", "date"], help_text="Creation time.")

    class Meta:
        model = Product
        fields = ["id", "category"]
        related_fields = {"category": ["slug"]}
        extra_kwargs = {"id": {"lookups": ["in"]}}
        order_fields = ["id", "name", "price", "created_at"]
        max_list_size = 50


class ReviewFilterSet(FilterSet):
    """``?product=3&rating__gte=4&order_by=-created_at``."""

    rating = IntegerField(lookups=["comparison"], min_value=1, max_value=5)

    class Meta:
        model = Review
        fields = ["product"]
        order_fields = ["id", "rating", "created_at"]
