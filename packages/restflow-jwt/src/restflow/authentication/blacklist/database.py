"""``ModelBlacklistBackend``: revoked ids as ``BlacklistedToken`` rows."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, cast

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction

from restflow.authentication.blacklist.base import BlacklistBackend

if TYPE_CHECKING:
    from restflow.authentication.models import BlacklistedToken

__all__ = ["ModelBlacklistBackend"]

_MODEL: str = "restflow_authentication.BlacklistedToken"


def _model() -> type[BlacklistedToken]:
    """``BlacklistedToken``, from Django's app registry.

    Not imported: the models module imports this package (for ``MARGIN``), and the app's
    system checks import it while Django loads the apps, before models may be defined.
    """
    return cast("type[BlacklistedToken]", apps.get_model(_MODEL))


class ModelBlacklistBackend(BlacklistBackend):
    """Entries in the database (needs ``"restflow.authentication"`` in ``INSTALLED_APPS``).

    ``jti`` is unique, so ``add`` is atomic across processes. A row keeps the
    token's ``exp``; ``manage.py purge_blacklisted_tokens`` (or
    ``BlacklistedToken.cleanup_expired()``) removes rows once their token is
    no longer valid even within ``LEEWAY``. The async twins run the query in
    a thread (one hop).
    """

    def __init__(self) -> None:
        # Check restflow_authentication.E004 says the same, but only the installed app runs it.
        if not apps.is_installed("restflow.authentication"):
            raise ImproperlyConfigured(
                "RESTFLOW_SETTINGS['JWT']['BLACKLIST_BACKEND'] is ModelBlacklistBackend (the "
                "default), which needs 'restflow.authentication' in INSTALLED_APPS and its "
                "table: add the app and run migrate (or choose CacheBlacklistBackend on a "
                "Redis cache alias of its own)."
            )

    def add(self, jti: str, expires_at: float) -> bool:
        """Insert a row for ``jti``; ``False`` when it is already there."""
        model = _model()
        expires = dt.datetime.fromtimestamp(expires_at, tz=dt.UTC)
        try:
            with transaction.atomic(using=model.objects.db):
                model.objects.create(jti=jti, expires_at=expires)
        except IntegrityError:
            return False
        return True

    def contains(self, jti: str) -> bool:
        """Whether a row for ``jti`` exists."""
        return _model().objects.filter(jti=jti).exists()

    def purge_expired(self) -> int:
        """Delete the rows of tokens past ``exp + LEEWAY`` (+1 s); returns how many."""
        return _model().cleanup_expired()
