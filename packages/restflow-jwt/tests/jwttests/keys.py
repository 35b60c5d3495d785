"""Key pairs for the asymmetric algorithms, generated once per test session."""

from __future__ import annotations

import functools

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa


def _pem(private: object) -> tuple[str, str]:
    key: object = private
    private_pem = key.private_bytes(  # type: ignore[attr-defined]
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public_pem = (
        key.public_key()  # type: ignore[attr-defined]
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private_pem, public_pem


@functools.cache
def key_pair(algorithm: str) -> tuple[str, str]:
    """``(private PEM, public PEM)`` suited to ``algorithm`` (RS*, PS*, ES*, EdDSA)."""
    if algorithm.startswith(("RS", "PS")):
        return _pem(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    curves = {
        "ES256": ec.SECP256R1,
        "ES256K": ec.SECP256K1,
        "ES384": ec.SECP384R1,
        "ES512": ec.SECP521R1,
        "ES521": ec.SECP521R1,
    }
    if algorithm in curves:
        return _pem(ec.generate_private_key(curves[algorithm]()))
    if algorithm == "EdDSA":
        return _pem(ed25519.Ed25519PrivateKey.generate())
    raise ValueError(algorithm)
