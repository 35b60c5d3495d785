"""Normalise DRF-style credentials (``HTTP_AUTHORIZATION=...``) to header names."""

from __future__ import annotations


def _header_name(key: str) -> str:
    """``HTTP_X_API_KEY`` or ``X-Api-Key`` -> ``X-Api-Key``; other META keys are refused."""
    if key.startswith("HTTP_"):
        key = key[5:]
    elif key.isupper():
        raise TypeError(
            f"AsyncAPIClient.credentials() takes headers; {key!r} is a META key that is not a "
            "header (write HTTP_<NAME> or the header name)"
        )
    return "-".join(part.capitalize() for part in key.replace("_", "-").split("-"))


def _as_headers(credentials: dict[str, str]) -> dict[str, str]:
    return {_header_name(key): value for key, value in credentials.items()}
