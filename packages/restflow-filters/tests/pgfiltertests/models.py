"""PostgreSQL-only models (ArrayField)."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models


class Article(models.Model):
    title = models.CharField(max_length=100)
    body = models.TextField(blank=True)
    tags = ArrayField(models.CharField(max_length=20), default=list)
    scores = ArrayField(models.IntegerField(), default=list)

    class Meta:
        ordering = ["id"]
