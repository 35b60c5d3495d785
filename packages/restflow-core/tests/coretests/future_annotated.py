"""Classes annotated under ``from __future__ import annotations`` (every annotation is a string)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, ClassVar, Final, Literal, NotRequired, Optional

from rest_framework import serializers

from restflow.core.typemap import Email


class Base:
    """Declares two fields; a subclass re-annotates one of them."""

    id: int
    created: datetime.datetime
    registry: ClassVar[dict[str, int]] = {}


class Product(Base):
    """Forward reference to a class defined further down, and every string-only spelling."""

    name: str
    price: Decimal | None
    created: datetime.date  # type: ignore[assignment]  # re-annotated: keeps Base's position, takes this type
    tags: list[str]
    contact: Email
    status: Literal["draft", "published"]
    weight: Annotated[float, "kg"]
    note: NotRequired[Optional[str]]  # type: ignore[valid-type]  # noqa: UP045  (the typing spelling, as a string)
    maker: Maker
    parts: list[Maker]
    KIND: Final = "product"


class Maker(serializers.Serializer[dict[str, object]]):
    """A nested serializer, defined after the class that names it."""

    title = serializers.CharField()


class Broken:
    """Names a type that exists nowhere: resolution must say which attribute."""

    fine: int
    missing: Undefined  # type: ignore[name-defined]  # noqa: F821
