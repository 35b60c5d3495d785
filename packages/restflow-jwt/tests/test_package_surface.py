"""The public names of restflow.authentication, and the extras' error messages."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

import restflow.authentication as package


@pytest.mark.parametrize("name", [name for name in package.__all__ if name != "__version__"])
def test_every_public_name_resolves_to_a_class_of_that_name(name: str) -> None:
    value = getattr(package, name)
    assert value.__name__ == name


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        package.Nope  # noqa: B018


def test_missing_simplejwt_extra_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    from restflow.authentication import _compat

    real = importlib.import_module

    def without_simplejwt(name: str, *args: Any) -> Any:
        if name.startswith("rest_framework_simplejwt"):
            raise ImportError(name)
        return real(name, *args)

    monkeypatch.setattr(importlib, "import_module", without_simplejwt)
    with pytest.raises(ImproperlyConfigured, match=r'pip install "restflow-jwt\[simplejwt\]"'):
        _compat.require_simplejwt()


def test_non_integer_user_ids_are_stored_as_strings() -> None:
    import uuid

    from restflow.authentication import AccessToken

    class Person:
        id = uuid.UUID("12345678-1234-5678-1234-567812345678")
        password = ""

    assert AccessToken.for_user(Person())["user_id"] == "12345678-1234-5678-1234-567812345678"
