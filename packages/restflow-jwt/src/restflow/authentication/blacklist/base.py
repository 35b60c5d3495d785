"""The interface every blacklist backend implements, sync and async."""

from __future__ import annotations

from asgiref.sync import sync_to_async

from restflow.authentication._config import get_config

__all__ = ["MARGIN", "BlacklistBackend", "keep_until"]

MARGIN = 1.0
"""Seconds a revocation is kept beyond its token's last valid moment (rounding of TTLs)."""


def keep_until(expires_at: float, leeway: float) -> float:
    """When the revocation of a token expiring at ``expires_at`` may be forgotten.

    Validation accepts the token until ``exp + LEEWAY``; the revocation must
    outlive that moment, so it is kept one :data:`MARGIN` longer.
    """
    return expires_at + leeway + MARGIN


class BlacklistBackend:
    """Keeps revoked ``jti`` values while their token can still validate.

    ``expires_at`` is the token's ``exp`` (a Unix timestamp); an entry must
    last until :meth:`keep_until` (``exp + LEEWAY`` and a second), since the
    token is accepted until ``exp + LEEWAY``. Subclasses implement
    :meth:`add` and :meth:`contains`; the async twins default to running them
    in a thread and should be overridden when the store has an async client.
    ``add`` must be atomic: of two concurrent calls with one ``jti`` exactly
    one returns ``True``.
    """

    def keep_until(self, expires_at: float) -> float:
        """When the entry of a token expiring at ``expires_at`` may go (``LEEWAY`` read now)."""
        return keep_until(expires_at, get_config().leeway)

    def add(self, jti: str, expires_at: float) -> bool:
        """Revoke ``jti``; ``True`` if this call revoked it, ``False`` if it already was."""
        raise NotImplementedError

    def contains(self, jti: str) -> bool:
        """Whether ``jti`` is revoked."""
        raise NotImplementedError

    async def aadd(self, jti: str, expires_at: float) -> bool:
        """Async twin of :meth:`add`."""
        return await sync_to_async(self.add, thread_sensitive=True)(jti, expires_at)

    async def acontains(self, jti: str) -> bool:
        """Async twin of :meth:`contains`."""
        return await sync_to_async(self.contains, thread_sensitive=True)(jti)

    def purge_expired(self) -> int:
        """Delete entries past :meth:`keep_until`; returns how many (0 when the store expires them)."""
        return 0
