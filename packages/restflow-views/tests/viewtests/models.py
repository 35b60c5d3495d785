"""Models the view tests use."""

from django.conf import settings
from django.db import models


class Category(models.Model):
    name = models.CharField(max_length=50)

    class Meta:
        app_label = "viewtests"


class Product(models.Model):
    name = models.CharField(max_length=100)
    price = models.IntegerField(default=0)
    in_stock = models.BooleanField(default=True)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="products"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        app_label = "viewtests"
        ordering = ["id"]


class Review(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="reviews")
    rating = models.IntegerField()
    seq = models.IntegerField(default=0)

    class Meta:
        app_label = "viewtests"
        ordering = ["id"]
