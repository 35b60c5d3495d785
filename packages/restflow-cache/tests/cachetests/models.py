"""Models the caching tests use."""

from __future__ import annotations

from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=100)
    email = models.CharField(max_length=100, default="")
    active = models.BooleanField(default=True)

    class Meta:
        app_label = "cachetests"


class Book(models.Model):
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="books")
    title = models.CharField(max_length=100)
    price = models.IntegerField(default=0)

    class Meta:
        app_label = "cachetests"
