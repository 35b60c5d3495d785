"""What the documentation's code samples may assume exists (tests-integration/test_docs.py).

Each page's samples run in order in one namespace built here: the models of
``combo_support.models``, a user, serializers for them, and the usual Django
and DRF imports a real module would have at its top.
"""

from __future__ import annotations

import os
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.urls import path
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from combo_support.models import Category, Order, Product, Review


class ProductSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Product
        fields = ["id", "name", "description", "price", "in_stock", "category"]


class ProductListSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Product
        fields = ["id", "name", "price"]


class ProductWithReviewsSerializer(ProductSerializer):
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


class _Audit:
    """Stands in for an application's audit service."""

    def __init__(self) -> None:
        self.records: list[tuple[str, Any]] = []

    async def arecord(self, event: str, key: Any) -> None:
        self.records.append((event, key))


async def fetch_visible_ids(user: Any) -> list[int]:
    """Stands in for an application's async service."""
    return [product.pk async for product in Product.objects.all()]


def namespace() -> dict[str, Any]:
    """A fresh namespace with demo rows in the database (call inside a db test)."""
    os.environ.setdefault("JWT_SIGNING_KEY", "docs-snippets-signing-key-" + "k" * 32)
    user = User.objects.create_user("ada", password="lovelace-password")
    books = Category.objects.create(name="Books")
    Product.objects.create(name="Dune", price=Decimal("12.50"), category=books)
    Product.objects.create(name="Emma", price=Decimal("8.00"), in_stock=False)
    namespace: dict[str, Any] = {
        "__name__": "docs_snippet",
        "os": os,
        "path": path,
        "generics": generics,
        "serializers": serializers,
        "APIView": APIView,
        "Response": Response,
        "User": User,
        "user": user,
        "Category": Category,
        "Product": Product,
        "Review": Review,
        "Order": Order,
        "ProductSerializer": ProductSerializer,
        "ProductListSerializer": ProductListSerializer,
        "ProductWithReviewsSerializer": ProductWithReviewsSerializer,
        "OrderSerializer": OrderSerializer,
        "OrderCreateSerializer": OrderCreateSerializer,
        "fetch_visible_ids": fetch_visible_ids,
        "audit": _Audit(),
    }
    if _importable("restflow.core"):
        from restflow.core import BaseAsyncAPIView

        namespace["AsyncAPIView"] = BaseAsyncAPIView  # restflow-views' replaces it below
    if _importable("restflow.authentication"):
        from restflow.authentication import AccessToken

        namespace["raw"] = str(AccessToken.for_user(user))
    if _importable("restflow.views"):
        import restflow.views as views

        namespace.update(
            {name: getattr(views, name) for name in dir(views) if name.startswith("Async")}
        )
    return namespace


def _importable(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None
