"""The example's part on restflow.services, over HTTP against its uvicorn server.

Orders: ``place_order`` (an async, atomic service under an async viewset) writes the
order, its lines and the stock all or nothing, checked in the example's SQLite file
itself (row counts), and the selectors show a user their own orders only.

Shipping quotes: the quote service awaits a real carrier over HTTP
(``example_support.carrier``, in this process); a carrier slower than the spec's
timeout is a 504, and failing ones open the circuit breaker (503 + ``Retry-After``).
No test sleeps: the slow carrier waits on an event, the timeout is one second.

Run by the ``it-example`` hatch environment, like test_example.py.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from example_support.carrier import FAIL, HOLD, NONSENSE, QUOTE, FakeCarrier, serve_carrier
from example_support.server import ExampleServer, serve_example
from example_support.suite import served_suite

SUITE = served_suite(
    "it-example",
    "RESTFLOW_EXAMPLE_TESTS",
    ("uvicorn", "drf_spectacular_sidecar", "restflow.views", "restflow.authentication"),
)
TIMEOUT = 1.0
OTHER_USER = {"username": "other", "password": "other-password-1"}
ADD_OTHER_USER = (
    "from django.contrib.auth.models import User; "
    f"User.objects.create_user({OTHER_USER['username']!r}, password={OTHER_USER['password']!r})"
)
PARCEL = {"country": "FR", "items": 3}


@pytest.fixture(scope="module")
def carrier() -> Iterator[FakeCarrier]:
    with serve_carrier() as fake:
        yield fake


@pytest.fixture(scope="module")
def shop(carrier: FakeCarrier) -> Iterator[ExampleServer]:
    """The example, its quotes from ``carrier``; one failed quote (the 504) is made here,
    too few to open its breaker (five)."""
    SUITE.require()
    with serve_example(
        setup=ADD_OTHER_USER,
        RESTFLOW_EXAMPLE_CARRIER_URL=carrier.url,
        RESTFLOW_EXAMPLE_CARRIER_TIMEOUT=str(TIMEOUT),
        RESTFLOW_EXAMPLE_CARRIER_FAILURES="5",
    ) as server:
        yield server


@pytest.fixture(scope="module")
def token(shop: ExampleServer) -> str:
    return shop.login()["access"]


def is_envelope(body: Any, code: str) -> bool:
    error = body.get("error") if isinstance(body, dict) else None
    return isinstance(error, dict) and error.get("code") == code and "details" in error


def row_counts(server: ExampleServer) -> dict[str, int]:
    """Rows of the order tables, read from the server's SQLite file."""
    database = server.env["RESTFLOW_EXAMPLE_DB"]
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        return {
            table: db.execute(f"SELECT COUNT(*) FROM catalog_{table}").fetchone()[0]
            for table in ("order", "orderline")
        }


def products_in_stock(server: ExampleServer, at_least: int = 1) -> list[dict[str, Any]]:
    """The products with ``at_least`` units, by id."""
    rows = server.request("GET", "/api/products/?in_stock=true&order_by=id&page_size=50").json()
    return [row for row in rows["results"] if row["stock"] >= at_least]


def product(server: ExampleServer, pk: int) -> dict[str, Any]:
    reply = server.request("GET", f"/api/products/{pk}/")
    assert reply.status == 200, reply.text
    body: dict[str, Any] = reply.json()
    return body


def order(server: ExampleServer, token: str, *lines: tuple[int, int]) -> Any:
    body = {"lines": [{"product": pk, "quantity": quantity} for pk, quantity in lines]}
    return server.request("POST", "/api/orders/", body, token)


# --------------------------------------------------------------------------- orders


def test_an_order_takes_the_stock_and_writes_the_order_and_its_lines(
    shop: ExampleServer, token: str
) -> None:
    first, second = products_in_stock(shop, at_least=3)[:2]
    before = row_counts(shop)
    reply = order(shop, token, (second["id"], 1), (first["id"], 2), (second["id"], 1))
    placed = reply.json()
    assert reply.status == 201, placed
    assert [(line["product"], line["quantity"]) for line in placed["lines"]] == [
        (first["id"], 2),
        (second["id"], 2),  # named twice, added up
    ]
    expected = sum(float(line["unit_price"]) * line["quantity"] for line in placed["lines"])
    assert float(placed["total"]) == pytest.approx(expected)
    assert product(shop, first["id"])["stock"] == first["stock"] - 2
    assert product(shop, second["id"])["stock"] == second["stock"] - 2
    assert row_counts(shop) == {"order": before["order"] + 1, "orderline": before["orderline"] + 2}
    shown = shop.request("GET", f"/api/orders/{placed['id']}/", token=token)
    assert shown.status == 200 and shown.json() == placed
    listed = shop.request("GET", "/api/orders/", token=token).json()
    assert listed["results"][0] == placed  # newest first


def test_a_line_short_of_stock_is_a_409_and_every_write_is_rolled_back(
    shop: ExampleServer, token: str
) -> None:
    plenty, scarce = products_in_stock(shop, at_least=2)[2:4]
    before = row_counts(shop)
    # the first line (lower id) is taken before the second is found short: a rollback undoes it
    reply = order(shop, token, (plenty["id"], 1), (scarce["id"], scarce["stock"] + 1))
    assert reply.status == 409, reply.text
    body = reply.json()
    assert is_envelope(body, "insufficient_stock")
    assert body["error"]["details"] == {
        "lines": [
            {
                "product": scarce["id"],
                "requested": scarce["stock"] + 1,
                "available": scarce["stock"],
            }
        ]
    }
    assert product(shop, plenty["id"])["stock"] == plenty["stock"]
    assert product(shop, scarce["id"])["stock"] == scarce["stock"]
    assert row_counts(shop) == before


def test_the_last_unit_sets_the_product_out_of_stock_and_the_stats_follow(
    shop: ExampleServer, token: str
) -> None:
    last = min(products_in_stock(shop), key=lambda row: (row["stock"], row["id"]))
    category = product(shop, last["id"])["category"]["slug"]

    def in_stock_count() -> int:
        stats = shop.request("GET", "/api/stats/").json()["categories"]
        return next(row["in_stock"] for row in stats if row["slug"] == category)

    before = in_stock_count()
    assert shop.request("GET", "/api/stats/").headers["x-cache-status"] == "HIT"
    assert order(shop, token, (last["id"], last["stock"])).status == 201
    sold_out = product(shop, last["id"])
    assert (sold_out["stock"], sold_out["in_stock"]) == (0, False)
    assert in_stock_count() == before - 1  # the post_save of in_stock invalidated the stats
    again = order(shop, token, (last["id"], 1))
    assert again.status == 409
    assert again.json()["error"]["details"]["lines"][0]["available"] == 0


def test_invalid_orders_are_a_400_and_write_nothing(shop: ExampleServer, token: str) -> None:
    before = row_counts(shop)
    for lines in (
        [],
        [{"product": 1, "quantity": 0}],
        [{"product": 1, "quantity": 101}],
        [{"product": 999999, "quantity": 1}],
        [{"product": 2**64, "quantity": 1}],
        [{"product": "one", "quantity": 1}],
        [{"product": 1, "quantity": 1}] * 21,
    ):
        reply = shop.request("POST", "/api/orders/", {"lines": lines}, token)
        assert reply.status == 400, (lines, reply.text)
        assert is_envelope(reply.json(), "validation_error")
    assert row_counts(shop) == before


def test_orders_and_quotes_need_a_token(shop: ExampleServer, carrier: FakeCarrier) -> None:
    before, asked = row_counts(shop), len(carrier.requests)
    for method, path, body in (
        ("GET", "/api/orders/", None),
        ("GET", "/api/orders/1/", None),
        ("POST", "/api/orders/", {"lines": [{"product": 1, "quantity": 1}]}),
        ("POST", "/api/shipping/quote/", PARCEL),
    ):
        for token in (None, "not.a.token"):
            reply = shop.request(method, path, body, token)
            assert reply.status == 401, (method, path, token, reply.text)
            assert reply.json()["error"]["code"] in ("not_authenticated", "authentication_failed")
            assert reply.headers["www-authenticate"].startswith("Bearer")
    assert row_counts(shop) == before
    assert len(carrier.requests) == asked


def test_a_user_sees_only_their_own_orders(shop: ExampleServer, token: str) -> None:
    demo_orders = shop.request("GET", "/api/orders/", token=token).json()["results"]
    assert demo_orders  # the seeded one at least
    login = shop.request("POST", "/api/auth/token/", OTHER_USER)
    assert login.status == 200, login.text
    other = login.json()["access"]
    assert shop.request("GET", "/api/orders/", token=other).json()["count"] == 0
    for seen in demo_orders:
        reply = shop.request("GET", f"/api/orders/{seen['id']}/", token=other)
        assert reply.status == 404 and is_envelope(reply.json(), "not_found")
    for path in ("/api/orders/abc/", f"/api/orders/{2**64}/"):
        assert shop.request("GET", path, token=token).status == 404, path


def test_options_describe_what_the_service_views_take(shop: ExampleServer, token: str) -> None:
    """DRF's metadata asks the view for a serializer: the quote view names its input's."""
    quote = shop.request("OPTIONS", "/api/shipping/quote/", token=token)
    assert quote.status == 200, quote.text
    assert set(quote.json()["actions"]["POST"]) == {"country", "items"}
    orders = shop.request("OPTIONS", "/api/orders/", token=token)
    assert orders.status == 200, orders.text


# --------------------------------------------------------------------------- shipping quotes


def test_a_quote_asks_the_carrier_over_http(
    shop: ExampleServer, token: str, carrier: FakeCarrier
) -> None:
    asked = len(carrier.requests)
    reply = shop.request("POST", "/api/shipping/quote/", PARCEL, token)
    assert reply.status == 200, reply.text
    assert reply.json() == {**PARCEL, **QUOTE}
    assert len(carrier.requests) == asked + 1
    received = carrier.requests[-1]
    assert (received.path, received.query) == ("/quote/", {"country": ["FR"], "items": ["3"]})


def test_a_carrier_slower_than_the_timeout_is_a_504(
    shop: ExampleServer, token: str, carrier: FakeCarrier
) -> None:
    with carrier.answering(HOLD):
        reply = shop.request("POST", "/api/shipping/quote/", PARCEL, token)
    assert reply.status == 504, reply.text
    assert is_envelope(reply.json(), "timeout")
    assert reply.json()["error"]["details"] == {"timeout": TIMEOUT}
    assert carrier.requests[-1].query["country"] == ["FR"]  # it was asked, and did not answer


def test_failing_carriers_are_a_502_then_the_breaker_opens_with_retry_after() -> None:
    """On a server of its own: its breaker opens after two failures, and stays open."""
    SUITE.require()
    with (
        serve_carrier() as carrier,
        serve_example(
            RESTFLOW_EXAMPLE_CARRIER_URL=carrier.url,
            RESTFLOW_EXAMPLE_CARRIER_FAILURES="2",
            RESTFLOW_EXAMPLE_CARRIER_RESET_AFTER="60",
        ) as server,
    ):
        token = server.login()["access"]
        for mode, details in ((FAIL, {"carrier_status": 500}), (NONSENSE, None)):
            with carrier.answering(mode):
                reply = server.request("POST", "/api/shipping/quote/", PARCEL, token)
            assert reply.status == 502, reply.text
            assert is_envelope(reply.json(), "bad_gateway")
            assert reply.json()["error"]["details"] == details
        assert len(carrier.requests) == 2
        # open: refused at once, the carrier not asked, though it would answer now
        for _ in range(2):
            refused = server.request("POST", "/api/shipping/quote/", PARCEL, token)
            assert refused.status == 503, refused.text
            assert is_envelope(refused.json(), "service_unavailable")
            assert 0 < int(refused.headers["retry-after"]) <= 60
        assert len(carrier.requests) == 2
        # the input is validated before the breaker is asked: a client's mistake is still a 400
        invalid = server.request("POST", "/api/shipping/quote/", {"country": "France"}, token)
        assert invalid.status == 400
