"""The catalogue's models: a category has products, a product has reviews; users place orders.

An order (``Order``) has lines (``OrderLine``), each taking units of a product's
``stock``; ``catalog.services.place_order`` writes both in one transaction.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class Category(models.Model):
    """A shelf of the catalogue (``books``, ``games``, …)."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    objects: models.Manager[Category] = models.Manager()

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    """Something for sale, in one category."""

    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    price = models.DecimalField(max_digits=8, decimal_places=2)
    in_stock = models.BooleanField(default=True)
    stock = models.PositiveIntegerField(
        default=0, help_text="Units on the shelf; an order taking the last one sets in_stock off."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects: models.Manager[Product] = models.Manager()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Review(models.Model):
    """A user's rating (1–5) of a product, with an optional comment."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="reviews")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="reviews"
    )
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    objects: models.Manager[Review] = models.Manager()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"review {self.pk}: {self.rating}/5"


class Order(models.Model):
    """What a user bought at once; its lines hold the products, quantities and prices."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="orders"
    )
    total = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: models.Manager[Order] = models.Manager()

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"order {self.pk}"


class OrderLine(models.Model):
    """A product in an order, with the name and price it had when ordered.

    The product may be deleted from the catalogue later: the line keeps its name.
    """

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        Product, on_delete=models.SET_NULL, null=True, related_name="order_lines"
    )
    name = models.CharField(max_length=200)
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=8, decimal_places=2)

    objects: models.Manager[OrderLine] = models.Manager()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.name}"
