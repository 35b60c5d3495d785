"""The shipping carrier the quote service calls: over HTTP, or the stand-in, in-process.

A carrier answers ``GET <url>?country=FR&items=3`` with
``{"carrier", "price", "currency", "days"}``. ``RESTFLOW_EXAMPLE_CARRIER["URL"]``
(``RESTFLOW_EXAMPLE_CARRIER_URL``) is its address. The example is such a carrier
itself (``GET /carrier/quote/``, from :func:`rate_card`); with no URL set, quotes come
from that rate card in-process, so the example works without a network.

The HTTP client is a few lines of asyncio streams: no dependency, and cancellable, so
the quote spec's ``timeout`` really stops the call. One request per connection
(HTTP/1.0: the answer is never chunked), a bounded body; anything but a 200 carrying a
quote is :class:`CarrierFailed` (502), which the circuit breaker counts as a failure.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol
from urllib.parse import urlencode, urlsplit

from django.conf import settings

from restflow.exceptions import APIException

MAX_BODY = 64 * 1024
MAX_PRICE = Decimal("999999.99")  # what ShippingQuoteSerializer's DecimalField renders
NEAR = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    ]
)


class CarrierFailed(APIException):
    """502 ``bad_gateway``: the carrier could not be reached, or did not answer a quote."""

    code = "bad_gateway"
    status_code = 502
    default_detail = "The shipping carrier did not answer with a quote."


@dataclass(frozen=True, slots=True)
class Quote:
    """A carrier's price for sending ``items`` items to ``country``."""

    country: str
    items: int
    carrier: str
    price: Decimal
    currency: str
    days: int


def rate_card(country: str, items: int) -> dict[str, Any]:
    """The stand-in carrier's answer, as JSON-ready data: EU countries are nearer and cheaper."""
    near = country in NEAR
    price = (Decimal("4.90") if near else Decimal("12.90")) + Decimal("1.10") * (items - 1)
    return {
        "carrier": "Example Post",
        "price": str(price),
        "currency": "EUR",
        "days": 2 if near else 6,
    }


def as_quote(country: str, items: int, answer: Any) -> Quote:
    """The carrier's JSON ``answer`` as a :class:`Quote`; :class:`CarrierFailed` if it is not one."""
    try:
        quote = Quote(
            country=country,
            items=items,
            carrier=str(answer["carrier"]),
            price=Decimal(str(answer["price"])),
            currency=str(answer["currency"]),
            days=int(answer["days"]),
        )
    except (TypeError, KeyError, ValueError, InvalidOperation):
        quote = None
    if quote is None or not (0 <= quote.price <= MAX_PRICE) or quote.days < 0:
        raise CarrierFailed("The shipping carrier answered something that is not a quote.")
    return quote


class Carrier(Protocol):
    """Where quotes come from."""

    async def quote(self, country: str, items: int) -> Quote: ...


class InProcessCarrier:
    """The stand-in carrier's rate card, without HTTP (no ``RESTFLOW_EXAMPLE_CARRIER_URL``)."""

    async def quote(self, country: str, items: int) -> Quote:
        return as_quote(country, items, rate_card(country, items))


@dataclass(frozen=True, slots=True)
class HttpCarrier:
    """A carrier at ``url``, asked over HTTP."""

    url: str

    async def quote(self, country: str, items: int) -> Quote:
        query = urlencode({"country": country, "items": items})
        separator = "&" if urlsplit(self.url).query else "?"
        return as_quote(country, items, await get_json(f"{self.url}{separator}{query}"))


def carrier() -> Carrier:
    """The configured carrier: over HTTP at ``RESTFLOW_EXAMPLE_CARRIER["URL"]``, else in-process."""
    url: str = settings.RESTFLOW_EXAMPLE_CARRIER["URL"]
    return HttpCarrier(url) if url else InProcessCarrier()


async def get_json(url: str) -> Any:
    """``GET url``: the JSON body of a 200 answer; :class:`CarrierFailed` for anything else."""
    parts = urlsplit(url)
    secure = parts.scheme == "https"
    target = parts.path or "/"
    if parts.query:
        target += f"?{parts.query}"
    host = parts.netloc.rpartition("@")[2]
    request = f"GET {target} HTTP/1.0\r\nHost: {host}\r\nAccept: application/json\r\n\r\n"
    try:
        reader, writer = await asyncio.open_connection(
            parts.hostname, parts.port or (443 if secure else 80), ssl=secure or None
        )
    except OSError as exc:
        raise CarrierFailed("The shipping carrier could not be reached.") from exc
    try:
        writer.write(request.encode("ascii"))
        await writer.drain()
        answer = await _read_all(reader)
    except OSError as exc:
        raise CarrierFailed("The connection to the shipping carrier failed.") from exc
    finally:
        writer.close()
    return _json_of(answer)


async def _read_all(reader: asyncio.StreamReader) -> bytes:
    """Everything the carrier sends until it closes the connection, at most ``MAX_BODY`` bytes."""
    chunks: list[bytes] = []
    size = 0
    while chunk := await reader.read(MAX_BODY):
        size += len(chunk)
        if size > MAX_BODY:
            raise CarrierFailed("The shipping carrier's answer is too large.")
        chunks.append(chunk)
    return b"".join(chunks)


def _json_of(answer: bytes) -> Any:
    """The body of an HTTP answer, decoded as JSON, when its status is 200."""
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line = head.split(b"\r\n", 1)[0].split()
    status = int(status_line[1]) if len(status_line) > 1 and status_line[1].isdigit() else 0
    if status != 200:
        raise CarrierFailed(details={"carrier_status": status})
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        raise CarrierFailed("The shipping carrier's answer is not JSON.") from None
