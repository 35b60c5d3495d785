"""The business logic behind ``/api/orders/`` and ``/api/shipping/quote/`` (restflow.services).

Plain functions: each receives the names it declares (``data``, ``user``, ``pk``),
raises restflow.services' errors and knows nothing of HTTP; each is sync or
``async def`` as suits it, and any view runs it (``catalog.service_views`` wires them):

- ``place_order`` (``async def``): an order, its lines and the stock they take, in one
  transaction (its spec is atomic). A line short of stock is a ``ServiceConflict``
  (409), and every write before it -- the order, the other lines' stock -- is rolled back.
- ``list_orders`` (sync) and ``aget_order`` (``async def``): the user's own orders.
- ``quote_shipping`` (``async def``): awaits the carrier (``catalog.carrier``); its spec
  bounds the call with a timeout and a circuit breaker.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db.models import F, Prefetch, QuerySet

from catalog.carrier import Quote, carrier
from catalog.models import Order, OrderLine, Product
from restflow.services import ServiceConflict


def _with_lines(orders: QuerySet[Order]) -> QuerySet[Order]:
    """The orders with their lines in ``line_items`` (what ``OrderSerializer`` renders)."""
    lines = OrderLine.objects.order_by("id")
    return orders.prefetch_related(Prefetch("lines", queryset=lines, to_attr="line_items"))


def list_orders(*, user: Any) -> QuerySet[Order]:
    """The user's orders, newest first (the view paginates them)."""
    return _with_lines(Order.objects.filter(owner=user))


async def aget_order(*, pk: str, user: Any) -> Order | None:
    """One of the user's orders; ``None`` (a 404) for anyone else's."""
    return await _with_lines(Order.objects.filter(owner=user, pk=pk)).afirst()


def _quantities(lines: Iterable[Mapping[str, Any]]) -> dict[int, int]:
    """``{product id: quantity}``, a product named twice added up, by id.

    In id order, concurrent orders lock their products' rows in the same order (no
    deadlock on PostgreSQL).
    """
    wanted: Counter[int] = Counter()
    for line in lines:
        wanted[line["product"].pk] += line["quantity"]
    return dict(sorted(wanted.items()))


async def _take(product_id: int, quantity: int) -> bool:
    """Take ``quantity`` units off the product's stock; ``False`` when it has fewer.

    One conditional ``UPDATE``: two orders cannot both take the last unit.
    """
    taken = await Product.objects.filter(pk=product_id, in_stock=True, stock__gte=quantity).aupdate(
        stock=F("stock") - quantity
    )
    return taken == 1


async def _shortages(wanted: Mapping[int, int]) -> list[dict[str, int]]:
    """What the refused lines asked for and what is left (0 for a product gone or unlisted)."""
    rows = Product.objects.filter(pk__in=wanted).values("id", "stock", "in_stock")
    left = {row["id"]: row["stock"] if row["in_stock"] else 0 async for row in rows}
    return [
        {"product": pk, "requested": quantity, "available": left.get(pk, 0)}
        for pk, quantity in wanted.items()
    ]


async def place_order(*, data: Mapping[str, Any], user: Any) -> Order:
    """Order ``data["lines"]`` for ``user``: the order, its lines and the stock, all or nothing."""
    wanted = _quantities(data["lines"])
    # The first statement writes: on SQLite it takes the write lock at once, so that
    # concurrent orders wait for each other instead of failing to upgrade a read lock.
    order = await Order.objects.acreate(owner=user)
    short: dict[int, int] = {}
    for product_id, quantity in wanted.items():
        if not await _take(product_id, quantity):
            short[product_id] = quantity
    if short:
        raise ServiceConflict(
            "Not enough stock for this order; nothing was ordered.",
            code="insufficient_stock",
            details={"lines": await _shortages(short)},
        )
    products = {product.pk: product async for product in Product.objects.filter(pk__in=wanted)}
    lines = [
        OrderLine(
            order=order,
            product=products[pk],
            name=products[pk].name,
            quantity=quantity,
            unit_price=products[pk].price,
        )
        for pk, quantity in wanted.items()
    ]
    order.line_items = await OrderLine.objects.abulk_create(lines)  # type: ignore[attr-defined]
    order.total = sum((line.unit_price * line.quantity for line in lines), Decimal(0))
    await order.asave(update_fields=["total"])
    for product in products.values():
        if product.stock == 0:
            # a save, not an update(): its post_save has the cached stats recomputed
            product.in_stock = False
            await product.asave(update_fields=["in_stock"])
    return order


async def quote_shipping(*, data: Mapping[str, Any]) -> Quote:
    """The carrier's price for sending ``data["items"]`` items to ``data["country"]``."""
    return await carrier().quote(data["country"], data["items"])
