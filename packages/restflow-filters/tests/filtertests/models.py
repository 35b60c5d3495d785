"""Models the filter tests run against (SQLite and PostgreSQL)."""

from __future__ import annotations

import uuid

from django.db import models


class Supplier(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    name = models.CharField(max_length=50)


class Category(models.Model):
    name = models.CharField(max_length=50)
    slug = models.SlugField()


class Product(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft"
        LIVE = "live"
        ARCHIVED = "archived"

    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    price = models.DecimalField(max_digits=8, decimal_places=2)
    stock = models.IntegerField(default=0)
    rating = models.FloatField(default=0.0)
    in_stock = models.BooleanField(default=True)
    released = models.DateField(null=True)
    created = models.DateTimeField(null=True)
    opens = models.TimeField(null=True)
    warranty = models.DurationField(null=True)
    sku = models.UUIDField(null=True)
    contact = models.EmailField(blank=True)
    ip = models.GenericIPAddressField(null=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.LIVE)
    category = models.ForeignKey(Category, null=True, on_delete=models.SET_NULL)
    supplier = models.ForeignKey(Supplier, null=True, on_delete=models.SET_NULL)
    payload = models.JSONField(default=dict)

    class Meta:
        ordering = ["id"]
