"""Helpers of the test modules: calling the protected views on both paths, keys, tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
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


HS256_HEADER = b64(b'{"alg":"HS256","typ":"JWT"}')


def raw_hs256(payload: bytes, key: str | None = None) -> str:
    """A token with any payload bytes, validly signed with HS256 (the test key by default)."""
    if key is None:
        from jwt_settings import SIGNING_KEY

        key = SIGNING_KEY
    signing_input = f"{HS256_HEADER}.{b64(payload)}".encode()
    signature = hmac.new(key.encode(), signing_input, hashlib.sha256).digest()
    return f"{signing_input.decode()}.{b64(signature)}"


def nested_json(depth: int) -> bytes:
    """``[[[…]]]``: a JSON array nested ``depth`` levels deep."""
    return b"[" * depth + b"]" * depth


def nested_token(where: str, depth: int) -> str:
    """A token whose ``header`` or (validly signed) ``payload`` is JSON nested ``depth`` deep."""
    if where == "header":
        return f"{b64(nested_json(depth))}.{b64(b'{}')}.{b64(b'signature')}"
    return raw_hs256(nested_json(depth))


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
