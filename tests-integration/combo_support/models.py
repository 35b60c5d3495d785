"""Models for tests-integration/ (tables created without migrations)."""

from __future__ import annotations

from django.db import models


class Book(models.Model):
    title = models.CharField(max_length=100)
    pages = models.IntegerField()
    genre = models.CharField(max_length=20, choices=[("sf", "SF"), ("crime", "Crime")])

    class Meta:
        ordering = ["id"]


# -- models the documentation's code samples use (tests-integration/test_docs.py) --------


class Category(models.Model):
    name = models.CharField(max_length=50)


class Product(models.Model):
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    price = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    in_stock = models.BooleanField(default=True)
    category = models.ForeignKey(Category, null=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["id"]


class Review(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE)
    rating = models.IntegerField()
    created_at = models.DateTimeField(auto_now_add=True)


class Order(models.Model):
    owner = models.ForeignKey("auth.User", on_delete=models.CASCADE)
    product = models.ForeignKey(Product, on_delete=models.CASCADE)
    quantity = models.IntegerField(default=1)
