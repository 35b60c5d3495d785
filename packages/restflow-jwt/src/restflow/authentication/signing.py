"""Compact JWS signing and verification with one algorithm pinned by settings.

The algorithm is never read from a token: a token whose header names another
algorithm (``none``, or ``HS256`` against an RSA public key) is refused
before its signature is looked at. Keys are parsed once, when the
:class:`Signer` is built, not per token.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from jwt.algorithms import get_default_algorithms

from restflow.authentication import _compat
from restflow.authentication.exceptions import TokenError
from restflow.authentication.settings import HMAC_ALGORITHMS, SUPPORTED_ALGORITHMS

__all__ = ["Signer", "b64decode", "b64encode"]

_DUMPS = json.JSONEncoder(separators=(",", ":"), ensure_ascii=True).encode


def b64encode(data: bytes) -> bytes:
    """Base64url without padding (RFC 7515 §2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def b64decode(data: bytes) -> bytes:
    """Decode unpadded base64url strictly (no stray characters); raises ``TokenError``."""
    if b"+" in data or b"/" in data:  # the standard alphabet, not base64url
        raise TokenError("The token is not valid base64url.", "malformed")
    try:
        return base64.b64decode(data + b"=" * (-len(data) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError) as exc:
        raise TokenError("The token is not valid base64url.", "malformed") from exc


def _json_object(segment: bytes, what: str) -> dict[str, Any]:
    """Decode a base64url JSON object segment (``what``: header or payload); raises ``TokenError``.

    JSON nested deeper than the decoder's recursion limit (``[[[…]]]``) is
    malformed like any other bad JSON, not an error of the server.
    """
    try:
        value = json.loads(b64decode(segment))
    except (ValueError, RecursionError):
        raise TokenError(f"The token {what} is not JSON.", "malformed") from None
    if not isinstance(value, dict):
        raise TokenError(f"The token {what} must be a JSON object.", "malformed")
    return value


def _as_bytes(key: str | bytes) -> bytes:
    return key.encode() if isinstance(key, str) else key


class Signer:
    """Signs and verifies compact JWS tokens with one algorithm and its keys.

    ``signing_key`` may be ``None`` for a service that only verifies; for an
    asymmetric algorithm ``verifying_key`` may be ``None`` when the signing
    key is a private key (its public half is used). Raises
    ``ImproperlyConfigured`` for an unsupported algorithm, a missing key,
    unreadable key material, or ``cryptography`` missing.
    """

    def __init__(
        self,
        algorithm: str,
        signing_key: str | bytes | None,
        verifying_key: str | bytes | None = None,
        *,
        max_length: int = 0,
    ) -> None:
        if algorithm not in SUPPORTED_ALGORITHMS:
            raise ImproperlyConfigured(f"JWT algorithm {algorithm!r} is not supported.")
        hmac = algorithm in HMAC_ALGORITHMS
        if not hmac:
            _compat.require_cryptography(algorithm)
        self.algorithm = algorithm
        self._alg: Any = get_default_algorithms()[algorithm]
        self.max_length = max_length
        self._sign_key: Any = None
        self._verify_key: Any = None
        try:
            if signing_key:
                self._sign_key = self._alg.prepare_key(_as_bytes(signing_key))
            if hmac:
                self._verify_key = self._sign_key
            elif verifying_key:
                self._verify_key = self._alg.prepare_key(_as_bytes(verifying_key))
            elif self._sign_key is not None and hasattr(self._sign_key, "public_key"):
                self._verify_key = self._sign_key.public_key()
        except Exception as exc:  # PyJWT raises several types for unreadable keys
            raise ImproperlyConfigured(
                f"RESTFLOW_SETTINGS['JWT']: the key for {algorithm} cannot be loaded "
                f"({type(exc).__name__}: {exc})."
            ) from exc
        if not hmac and self._sign_key is not None and not hasattr(self._sign_key, "sign"):
            raise ImproperlyConfigured(
                f"RESTFLOW_SETTINGS['JWT']['SIGNING_KEY'] must be a private key for {algorithm} "
                "(put the public key in VERIFYING_KEY)."
            )
        if self._verify_key is None:
            what = "'SIGNING_KEY'" if hmac else "'VERIFYING_KEY'] (or a private ['SIGNING_KEY'"
            raise ImproperlyConfigured(
                f"RESTFLOW_SETTINGS['JWT'][{what}] is required for the {algorithm} algorithm."
            )
        self._header = b64encode(_DUMPS({"alg": algorithm, "typ": "JWT"}).encode())
        self._prefix = self._header + b"."

    @property
    def can_sign(self) -> bool:
        """Whether a signing key is configured (a verify-only service has none)."""
        return self._sign_key is not None

    def encode(self, payload: dict[str, Any]) -> str:
        """Serialise and sign ``payload``; returns the compact token."""
        if self._sign_key is None:
            raise ImproperlyConfigured(
                "RESTFLOW_SETTINGS['JWT']['SIGNING_KEY'] is not set: this service can verify "
                "tokens but not issue them."
            )
        signing_input = self._prefix + b64encode(_DUMPS(payload).encode())
        signature = self._alg.sign(signing_input, self._sign_key)
        return (signing_input + b"." + b64encode(signature)).decode("ascii")

    def decode(self, token: str | bytes) -> dict[str, Any]:
        """Verify ``token``'s header and signature and return its payload.

        Claims are not checked here. Raises :class:`TokenError`.
        """
        if isinstance(token, str):
            try:
                token = token.encode("ascii")
            except UnicodeEncodeError:
                raise TokenError("The token contains non-ASCII characters.", "malformed") from None
        if self.max_length and len(token) > self.max_length:
            raise TokenError("The token is too long.", "too_long")
        if token.count(b".") != 2:
            raise TokenError("The token must have three dot-separated segments.", "malformed")
        signing_input, _, signature = token.rpartition(b".")
        header, _, payload = signing_input.partition(b".")
        if header != self._header:
            self._check_header(header)
        if not self._alg.verify(signing_input, self._verify_key, b64decode(signature)):
            raise TokenError("The token signature is invalid.", "signature")
        return _json_object(payload, "payload")

    def _check_header(self, segment: bytes) -> None:
        header = _json_object(segment, "header")
        if header.get("alg") != self.algorithm:
            raise TokenError(f"The token's algorithm must be {self.algorithm}.", "algorithm")
        if "crit" in header:
            raise TokenError("The token has critical header parameters.", "malformed")
