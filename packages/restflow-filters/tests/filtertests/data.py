"""Test data and a helper that filters through either surface."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from asgiref.sync import async_to_sync
from django.db.models import QuerySet
from django.http import QueryDict

from filtertests.models import Category, Product, Supplier

SKUS = [uuid.UUID(int=n) for n in range(1, 5)]
SUPPLIERS = [uuid.UUID(int=100 + n) for n in range(1, 3)]


def make_catalog() -> dict[str, Any]:
    """Products named p1..p4 with distinct values in every column."""
    tz = dt.UTC
    books = Category.objects.create(name="Books", slug="books")
    games = Category.objects.create(name="Games", slug="games")
    acme = Supplier.objects.create(id=SUPPLIERS[0], name="Acme")
    zeta = Supplier.objects.create(id=SUPPLIERS[1], name="Zeta")
    rows = [
        {
            "name": "Alpha Book",
            "description": "a red book",
            "price": Decimal("5.00"),
            "stock": 0,
            "rating": 1.5,
            "in_stock": False,
            "released": dt.date(2023, 1, 15),
            "created": dt.datetime(2023, 1, 15, 8, 30, 5, tzinfo=tz),
            "opens": dt.time(8, 0),
            "warranty": dt.timedelta(days=30),
            "sku": SKUS[0],
            "contact": "alice@example.com",
            "ip": "10.0.0.1",
            "status": "draft",
            "category": books,
            "supplier": acme,
        },
        {
            "name": "Beta Book",
            "description": "a blue book",
            "price": Decimal("12.50"),
            "stock": 5,
            "rating": 3.0,
            "in_stock": True,
            "released": dt.date(2023, 6, 1),
            "created": dt.datetime(2023, 6, 1, 12, 45, 30, tzinfo=tz),
            "opens": dt.time(9, 30),
            "warranty": dt.timedelta(days=90),
            "sku": SKUS[1],
            "contact": "bob@example.com",
            "ip": "10.0.0.2",
            "status": "live",
            "category": books,
            "supplier": zeta,
        },
        {
            "name": "Gamma Game",
            "description": "a green game",
            "price": Decimal("30.00"),
            "stock": 12,
            "rating": 4.5,
            "in_stock": True,
            "released": dt.date(2024, 3, 20),
            "created": dt.datetime(2024, 3, 20, 18, 15, 45, tzinfo=tz),
            "opens": dt.time(12, 15),
            "warranty": dt.timedelta(days=365),
            "sku": SKUS[2],
            "contact": "carol@sample.org",
            "ip": "192.168.1.1",
            "status": "live",
            "category": games,
            "supplier": acme,
        },
        {
            "name": "Delta Game",
            "description": "",
            "price": Decimal("99.99"),
            "stock": 40,
            "rating": 5.0,
            "in_stock": False,
            "released": None,
            "created": None,
            "opens": None,
            "warranty": None,
            "sku": None,
            "contact": "",
            "ip": None,
            "status": "archived",
            "category": None,
            "supplier": None,
        },
    ]
    products = [Product.objects.create(**row) for row in rows]
    return {"products": products, "books": books, "games": games, "acme": acme, "zeta": zeta}


def query(data: Mapping[str, Any]) -> QueryDict:
    """A QueryDict as a request would carry; list values become repeated parameters."""
    result = QueryDict(mutable=True)
    for key, value in data.items():
        result.setlist(key, [str(v) for v in value] if isinstance(value, list) else [str(value)])
    return result


def apply(
    filterset_class: type[Any],
    data: Mapping[str, Any],
    mode: str,
    queryset: QuerySet[Any] | None = None,
) -> list[Any]:
    """Filter ``queryset`` (default: every product) through the sync or the async surface."""
    qs = Product.objects.all() if queryset is None else queryset
    filterset = filterset_class(data=query(data))
    if mode == "sync":
        return list(filterset.filter_queryset(qs))

    async def run() -> list[Any]:
        result = await filterset.afilter_queryset(qs)
        return [row async for row in result]

    return async_to_sync(run)()


def names(rows: list[Any]) -> list[str]:
    """The names (or titles) of ``rows``, in order."""
    return [getattr(row, "name", None) or row.title for row in rows]
