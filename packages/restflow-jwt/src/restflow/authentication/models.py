"""``BlacklistedToken``: the table behind ``ModelBlacklistBackend``."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.db import models
from django.utils import timezone

from restflow.authentication import _clock
from restflow.authentication._config import get_config
from restflow.authentication.blacklist.base import MARGIN

__all__ = ["BlacklistedToken"]


class BlacklistedToken(models.Model):
    """A revoked token id and its token's ``exp``, kept while the token could validate."""

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
        """Delete the rows of tokens no longer valid even within ``LEEWAY``; returns how many.

        A row goes once ``exp + LEEWAY`` and a second have passed, never while
        its token can still be accepted.
        """
        # the rows whose keep_until(exp) = exp + LEEWAY + MARGIN has passed
        latest_exp = _clock.now() - get_config().leeway - MARGIN
        cutoff = dt.datetime.fromtimestamp(latest_exp, tz=dt.UTC)
        deleted, _ = cls.objects.filter(expires_at__lte=cutoff).delete()
        return deleted
