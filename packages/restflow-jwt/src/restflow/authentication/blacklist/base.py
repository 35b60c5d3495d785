"""The interface every blacklist backend implements, sync and async."""

from __future__ import annotations

from asgiref.sync import sync_to_async

__all__ = ["BlacklistBackend"]


class BlacklistBackend:
    """Keeps revoked ``jti`` values until ``expires_at`` (a Unix timestamp).

    Subclasses implement :meth:`add` and :meth:`contains`; the async twins
    default to running them in a thread and should be overridden when the
    store has an async client. ``add`` must be atomic: of two concurrent
    calls with one ``jti`` exactly one returns ``True``.
    """

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
        """Delete entries whose token has expired; returns how many (0 when the store expires them)."""
        return 0
