"""Blacklist backends: where revoked token ids (``jti``) are kept until the token expires."""

from restflow.authentication.blacklist.base import BlacklistBackend
from restflow.authentication.blacklist.cache import CacheBlacklistBackend
from restflow.authentication.blacklist.database import ModelBlacklistBackend

__all__ = ["BlacklistBackend", "CacheBlacklistBackend", "ModelBlacklistBackend"]
