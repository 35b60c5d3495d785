"""Example models for the documentation's samples: a small shop.

A page imports them by name (``from docs_support.models import Product``);
nothing is put into a sample's namespace behind its back. The tables are
empty when a page starts: a sample creates the rows it reads.
"""

from __future__ import annotations

from django.db import models


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
