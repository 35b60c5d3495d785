"""restflow.authentication: JWT tokens, authenticators, token views and blacklists (restflow-jwt).

Names are imported lazily, so adding ``"restflow.authentication"`` to
``INSTALLED_APPS`` loads nothing but the app config.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from restflow.authentication.__about__ import __version__

if TYPE_CHECKING:
    from restflow.authentication.base import BaseAuthentication
    from restflow.authentication.blacklist import (
        BlacklistBackend,
        CacheBlacklistBackend,
        ModelBlacklistBackend,
    )
    from restflow.authentication.exceptions import InvalidToken, TokenError
    from restflow.authentication.jwt_authentication import JWTAuthentication
    from restflow.authentication.standard import (
        BasicAuthentication,
        RemoteUserAuthentication,
        SessionAuthentication,
        TokenAuthentication,
    )
    from restflow.authentication.throttling import LoginAddressThrottle, LoginUsernameThrottle
    from restflow.authentication.tokens import AccessToken, RefreshToken, Token

_LAZY = {
    "AccessToken": "restflow.authentication.tokens",
    "RefreshToken": "restflow.authentication.tokens",
    "Token": "restflow.authentication.tokens",
    "TokenError": "restflow.authentication.exceptions",
    "InvalidToken": "restflow.authentication.exceptions",
    "JWTAuthentication": "restflow.authentication.jwt_authentication",
    "BaseAuthentication": "restflow.authentication.base",
    "BasicAuthentication": "restflow.authentication.standard",
    "TokenAuthentication": "restflow.authentication.standard",
    "SessionAuthentication": "restflow.authentication.standard",
    "RemoteUserAuthentication": "restflow.authentication.standard",
    "BlacklistBackend": "restflow.authentication.blacklist",
    "CacheBlacklistBackend": "restflow.authentication.blacklist",
    "ModelBlacklistBackend": "restflow.authentication.blacklist",
    "LoginAddressThrottle": "restflow.authentication.throttling",
    "LoginUsernameThrottle": "restflow.authentication.throttling",
}

__all__ = [
    "AccessToken",
    "BaseAuthentication",
    "BasicAuthentication",
    "BlacklistBackend",
    "CacheBlacklistBackend",
    "InvalidToken",
    "JWTAuthentication",
    "LoginAddressThrottle",
    "LoginUsernameThrottle",
    "ModelBlacklistBackend",
    "RefreshToken",
    "RemoteUserAuthentication",
    "SessionAuthentication",
    "Token",
    "TokenAuthentication",
    "TokenError",
    "__version__",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'restflow.authentication' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
