"""Models for tests-integration/ (tables created without migrations)."""

from __future__ import annotations

from django.db import models


class Book(models.Model):
    title = models.CharField(max_length=100)
    pages = models.IntegerField()
    genre = models.CharField(max_length=20, choices=[("sf", "SF"), ("crime", "Crime")])

    class Meta:
        ordering = ["id"]
