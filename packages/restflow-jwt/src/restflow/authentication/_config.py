"""A snapshot of ``RESTFLOW_SETTINGS["JWT"]`` in the shapes the hot path reads.

Built on first use and dropped when ``RESTFLOW_SETTINGS`` changes, so a
request reads plain attributes instead of resolving settings.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.signals import setting_changed

from restflow.authentication.settings import header_types, jwt_settings
from restflow.authentication.signing import Signer

__all__ = ["Config", "get_config"]


def _seconds(value: int | float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class Config:
    """The JWT section, resolved once."""

    def __init__(self) -> None:
        s = jwt_settings
        self.algorithm: str = s.ALGORITHM
        self.access_lifetime = int(_seconds(s.ACCESS_TOKEN_LIFETIME))
        self.refresh_lifetime = int(_seconds(s.REFRESH_TOKEN_LIFETIME))
        self.leeway = _seconds(s.LEEWAY)
        self.issuer: str | None = s.ISSUER
        audience = s.AUDIENCE
        self.audience: frozenset[str] | None = (
            None
            if audience is None
            else frozenset((audience,) if isinstance(audience, str) else audience)
        )
        self.user_id_claim: str = s.USER_ID_CLAIM
        self.user_id_field: str = s.USER_ID_FIELD
        self.type_claim: str = s.TOKEN_TYPE_CLAIM
        self.jti_claim: str = s.JTI_CLAIM
        types = header_types(s.AUTH_HEADER_TYPES)
        self.header_types: tuple[str, ...] = types
        self.header_types_lower = frozenset(t.lower() for t in types)
        self.header_name: str = s.AUTH_HEADER_NAME
        self.realm: str = s.AUTH_REALM
        self.max_length: int = s.MAX_TOKEN_LENGTH
        self.rotate: bool = s.ROTATE_REFRESH_TOKENS
        self.blacklist_enabled: bool = s.BLACKLIST_ENABLED
        self.blacklist_after_rotation: bool = s.BLACKLIST_AFTER_ROTATION
        self.check_active: bool = s.CHECK_USER_IS_ACTIVE
        self.check_revoke: bool = s.CHECK_REVOKE_TOKEN
        self.revoke_claim: str = s.REVOKE_TOKEN_CLAIM
        self.user_cache_ttl = _seconds(s.USER_CACHE_TTL)
        self.update_last_login: bool = s.UPDATE_LAST_LOGIN
        self._signer: Signer | None = None
        self._blacklist: Any = None

    @property
    def signer(self) -> Signer:
        """The :class:`Signer` for the configured algorithm and keys (built on first use)."""
        signer = self._signer
        if signer is None:
            signer = self._signer = Signer(
                self.algorithm,
                jwt_settings.SIGNING_KEY,
                jwt_settings.VERIFYING_KEY,
                max_length=self.max_length,
            )
        return signer

    @property
    def blacklist(self) -> Any:
        """The blacklist backend instance (``BLACKLIST_BACKEND``), built on first use."""
        backend = self._blacklist
        if backend is None:
            backend = self._blacklist = jwt_settings.BLACKLIST_BACKEND()
        return backend


_current: Config | None = None


def get_config() -> Config:
    """The current :class:`Config`; rebuilt after ``RESTFLOW_SETTINGS`` changes."""
    global _current
    config = _current
    if config is None:
        config = _current = Config()
    return config


def _reset(*, setting: str, **kwargs: Any) -> None:
    global _current
    if setting in ("RESTFLOW_SETTINGS", "CACHES", "AUTH_USER_MODEL"):
        _current = None


setting_changed.connect(_reset, dispatch_uid="restflow.authentication._config.reset")
