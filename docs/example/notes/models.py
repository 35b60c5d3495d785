"""The example's only model."""

from __future__ import annotations

from django.db import models


class Note(models.Model):
    """A short note: a title and an optional body."""

    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title
