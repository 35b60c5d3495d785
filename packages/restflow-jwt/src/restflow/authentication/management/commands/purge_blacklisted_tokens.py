"""``manage.py purge_blacklisted_tokens``: delete blacklist rows of tokens past ``exp + LEEWAY``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from restflow.authentication.models import BlacklistedToken


class Command(BaseCommand):
    """Delete ``BlacklistedToken`` rows whose token can no longer validate (run it daily from cron)."""

    help = (
        "Delete blacklisted JWT ids whose token has expired, LEEWAY included "
        "(ModelBlacklistBackend)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = BlacklistedToken.cleanup_expired()
        self.stdout.write(f"Deleted {deleted} expired blacklisted token(s).")
