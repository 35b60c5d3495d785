"""The reference library's module path for its JWT names, so settings written for it load.

``RESTFLOW_SETTINGS["JWT"]`` written for the library the seeds describe names
``restflow.authentication.jwt.CacheBlacklistBackend`` (or ``ModelBlacklistBackend``)
and ``restflow.authentication.jwt.default_user_authentication_rule``; they resolve
here to restflow's own classes and function. New code imports from
``restflow.authentication``.
"""

from __future__ import annotations

from restflow.authentication.blacklist import (
    BlacklistBackend,
    CacheBlacklistBackend,
    ModelBlacklistBackend,
)
from restflow.authentication.exceptions import TokenError
from restflow.authentication.jwt_authentication import JWTAuthentication
from restflow.authentication.tokens import AccessToken, RefreshToken
from restflow.authentication.users import default_user_authentication_rule

__all__ = [
    "AccessToken",
    "BlacklistBackend",
    "CacheBlacklistBackend",
    "JWTAuthentication",
    "ModelBlacklistBackend",
    "RefreshToken",
    "TokenError",
    "default_user_authentication_rule",
]
