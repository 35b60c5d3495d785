"""Helpers of the test modules: calling the protected views on both paths, keys, tokens."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

from django.test import AsyncClient, Client

PATHS = ("sync", "async")


async def get(path: str, url: str, **headers: str) -> Any:
    """GET ``url`` with the sync ``Client`` (path ``"sync"``) or ``AsyncClient``."""
    if path == "sync":
        from asgiref.sync import sync_to_async

        return await sync_to_async(Client().get)(url, headers=headers)
    return await AsyncClient().get(url, headers=headers)


def bearer(token: object, kind: str = "Bearer") -> dict[str, str]:
    """An ``Authorization`` header."""
    return {"Authorization": f"{kind} {token}"}


def envelope(response: Any) -> dict[str, Any]:
    """The ``error`` object of an error response (asserts the envelope's shape)."""
    body = json.loads(response.content)
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "details"}, body
    return body["error"]  # type: ignore[no-any-return]


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forge(header: dict[str, Any], payload: dict[str, Any], signature: bytes = b"") -> str:
    """A token with any header/payload and a given (possibly empty) signature."""
    return ".".join(
        (b64(json.dumps(header).encode()), b64(json.dumps(payload).encode()), b64(signature))
    )


def claims(user: Any, **extra: Any) -> dict[str, Any]:
    """Valid access-token claims for ``user``, overridden by ``extra``."""
    now = int(time.time())
    base = {"token_type": "access", "exp": now + 300, "iat": now, "jti": "j" * 32}
    base["user_id"] = user.pk
    base.update(extra)
    return {key: value for key, value in base.items() if value is not None}


def staff_only(user: Any) -> bool:
    """A ``USER_AUTHENTICATION_RULE``: only staff users may obtain tokens."""
    return user is not None and bool(user.is_staff)
