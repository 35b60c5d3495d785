"""Finding the user a token names: one I/O-free check, a sync and an async lookup.

The async lookup is the only thread hop of ``JWTAuthentication.aauthenticate``;
with ``USER_CACHE_TTL`` > 0 a per-process cache of recently seen users skips
it (a deactivated user is then refused at most that many seconds late).
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth import get_user_model

from restflow.authentication._config import Config
from restflow.authentication.exceptions import TokenError
from restflow.authentication.tokens import password_fingerprint
from restflow.core import run_sync

__all__ = ["aget_user", "default_user_authentication_rule", "get_user", "user_cache"]


def default_user_authentication_rule(user: Any) -> bool:
    """The default ``USER_AUTHENTICATION_RULE``: an existing, active user may get tokens."""
    return user is not None and getattr(user, "is_active", True)


class _UserCache:
    """Recently loaded users by id, each kept for ``ttl`` seconds (bounded in size)."""

    max_entries = 4096

    def __init__(self) -> None:
        self._entries: dict[Any, tuple[float, Any]] = {}

    def get(self, user_id: Any) -> Any:
        entry = self._entries.get(user_id)
        if entry is None:
            return None
        if entry[0] < time.monotonic():
            self._entries.pop(user_id, None)
            return None
        return entry[1]

    def put(self, user_id: Any, user: Any, ttl: float) -> None:
        if len(self._entries) >= self.max_entries:
            self._entries.clear()
        self._entries[user_id] = (time.monotonic() + ttl, user)

    def clear(self) -> None:
        """Forget every cached user (tests, or after deactivating users in bulk)."""
        self._entries.clear()


user_cache = _UserCache()


def _user_id(payload: dict[str, Any], config: Config) -> Any:
    user_id = payload.get(config.user_id_claim)
    if user_id is None or isinstance(user_id, (bool, dict, list)):
        raise TokenError("The token names no user.", "claims")
    return user_id


def _checked(user: Any, payload: dict[str, Any], config: Config) -> Any:
    if config.check_active and not getattr(user, "is_active", True):
        raise TokenError("The user is inactive.", "user")
    if config.check_revoke and payload.get(config.revoke_claim) != password_fingerprint(
        user.password
    ):
        raise TokenError("The token was revoked by a password change.", "user")
    return user


def _fetch(config: Config, user_id: Any) -> Any:
    model = get_user_model()
    try:
        return model._default_manager.get(**{config.user_id_field: user_id})
    except (model.DoesNotExist, ValueError, TypeError):
        raise TokenError("The user does not exist.", "user") from None


def get_user(payload: dict[str, Any], config: Config) -> Any:
    """The active user the payload names; raises :class:`TokenError` (reason ``user``)."""
    user_id = _user_id(payload, config)
    ttl = config.user_cache_ttl
    user = user_cache.get(user_id) if ttl else None
    if user is None:
        user = _fetch(config, user_id)
        if ttl:
            user_cache.put(user_id, user, ttl)
    return _checked(user, payload, config)


async def aget_user(payload: dict[str, Any], config: Config) -> Any:
    """Async twin of :func:`get_user`: one thread hop for the query, none on a cache hit."""
    user_id = _user_id(payload, config)
    ttl = config.user_cache_ttl
    user = user_cache.get(user_id) if ttl else None
    if user is None:
        user = await run_sync(_fetch, config, user_id)
        if ttl:
            user_cache.put(user_id, user, ttl)
    return _checked(user, payload, config)
