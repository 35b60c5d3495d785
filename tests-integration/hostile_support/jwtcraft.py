"""Tokens as an attacker (or a holder of the key) writes them, segment by segment.

``forge(header, payload, signer)`` joins base64url segments of any bytes, so a header may
be ``[[[[…]]]]`` or name ``none``; ``hs256(key)`` and ``rs256(private_pem)`` sign, and
``unsigned`` does not. ``claims()`` is a payload that passes validation unless told
otherwise.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

Signer = Callable[[bytes], bytes]


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def nested(depth: int) -> bytes:
    """``[[[…]]]``: JSON arrays ``depth`` levels deep."""
    return b"[" * depth + b"]" * depth


def nested_object(depth: int) -> bytes:
    """``{"a":{"a":…{}}}``: JSON objects ``depth`` levels deep."""
    return b'{"a":' * depth + b"{}" + b"}" * depth


def header(alg: str) -> bytes:
    return json.dumps({"alg": alg, "typ": "JWT"}).encode()


def claims(token_type: str = "access", lifetime: float = 300, **extra: Any) -> bytes:
    """A payload restflow-jwt accepts (user 1), with ``extra`` claims replacing any."""
    now = int(time.time())
    payload: dict[str, Any] = {
        "token_type": token_type,
        "exp": now + lifetime,
        "iat": now,
        "jti": uuid.uuid4().hex,
        "user_id": 1,
    }
    payload.update(extra)
    return json.dumps({k: v for k, v in payload.items() if v is not None}).encode()


def forge(head: bytes, payload: bytes, signer: Signer | None) -> str:
    """``b64(head).b64(payload).b64(signature)``; an empty signature when ``signer`` is None."""
    signing_input = f"{b64(head)}.{b64(payload)}".encode()
    signature = signer(signing_input) if signer else b""
    return f"{signing_input.decode()}.{b64(signature)}"


def hs256(key: bytes) -> Signer:
    return lambda data: hmac.new(key, data, hashlib.sha256).digest()


def rs256(private_pem: bytes) -> Signer:
    key: Any = serialization.load_pem_private_key(private_pem, password=None)
    return lambda data: key.sign(data, padding.PKCS1v15(), hashes.SHA256())


def rsa_key_pair() -> tuple[bytes, bytes]:
    """A new 2048-bit RSA key: (private PEM, public PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public


def payload_of(token: str) -> dict[str, Any]:
    """The claims of a compact token (unverified: the test issued it)."""
    segment = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    )
    return decoded
