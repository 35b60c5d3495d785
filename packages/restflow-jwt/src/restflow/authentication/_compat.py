"""Optional extras, imported in one place: ``crypto`` (cryptography) and ``simplejwt``."""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

from django.core.exceptions import ImproperlyConfigured

__all__ = ["has_cryptography", "require_cryptography", "require_simplejwt"]

_CRYPTO_HINT = 'pip install "restflow-jwt[crypto]"'
_SIMPLEJWT_HINT = 'pip install "restflow-jwt[simplejwt]"'


def has_cryptography() -> bool:
    """Whether ``cryptography`` (the ``crypto`` extra) is installed."""
    return importlib.util.find_spec("cryptography") is not None


def require_cryptography(algorithm: str) -> None:
    """Raise ``ImproperlyConfigured`` with the install command when ``cryptography`` is missing."""
    if not has_cryptography():
        raise ImproperlyConfigured(
            f"RESTFLOW_SETTINGS['JWT']['ALGORITHM'] is {algorithm!r}, which needs the "
            f"'cryptography' package: {_CRYPTO_HINT}"
        )


def require_simplejwt(submodule: str = "authentication") -> ModuleType:
    """Import ``rest_framework_simplejwt.<submodule>`` or explain how to install it."""
    try:
        return importlib.import_module(f"rest_framework_simplejwt.{submodule}")
    except ImportError as exc:
        raise ImproperlyConfigured(
            "restflow.authentication.simplejwt needs djangorestframework-simplejwt: "
            f"{_SIMPLEJWT_HINT}"
        ) from exc
