"""``BlacklistedToken``: the table behind ``ModelBlacklistBackend``."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone

__all__ = ["BlacklistedToken"]


class BlacklistedToken(models.Model):
    """A revoked token id, kept until the token would have expired."""

    jti = models.CharField(max_length=255, unique=True)
    expires_at = models.DateTimeField(db_index=True)
    blacklisted_at = models.DateTimeField(default=timezone.now)

    objects: ClassVar[models.Manager[BlacklistedToken]] = models.Manager()

    class Meta:
        app_label = "restflow_authentication"
        verbose_name = "blacklisted token"
        verbose_name_plural = "blacklisted tokens"

    def __str__(self) -> str:
        return self.jti

    @classmethod
    def cleanup_expired(cls) -> int:
        """Delete the rows of tokens that have expired; returns how many."""
        deleted, _ = cls.objects.filter(expires_at__lte=timezone.now()).delete()
        return deleted
