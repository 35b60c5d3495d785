#!/usr/bin/env python3
"""Serve the example project with uvicorn on a free loopback port and exercise it.

    python scripts/example_smoke.py [--python /path/to/venv/bin/python] [--redis URL]

The interpreter given (default: this one) must have every restflow package, uvicorn
and drf-spectacular-sidecar installed (``hatch run example:python
scripts/example_smoke.py`` has them). The example runs against a throw-away SQLite
file (``RESTFLOW_EXAMPLE_DB``), so ``docs/example/db.sqlite3`` is not touched, and on
LocMem (``REDIS_URL`` is removed from its environment) unless ``--redis`` is given
(then with a key prefix of its own).

Checks: ``migrate`` seeds the demo data; the index; the product list filtered by the
FilterSet and paginated, with the PostFetch'ed latest reviews; a bad filter value is a
400 in the error envelope; writes without a token are 401; login, refresh and bad
credentials; the cached category list (MISS, HIT, and a write shows up on the next
read); the cached stats follow a new product; a new review shows in the product's
latest reviews; the count-less review list; orders (restflow.services): one placed
takes the stock, one short of stock is a 409 that takes nothing, and the user's orders
are listed; a shipping quote, from the example's own stand-in carrier over HTTP
(``RESTFLOW_EXAMPLE_CARRIER_URL`` points at it); the throttled endpoint answers 429;
the SSE and NDJSON streams; the OpenAPI schema, the Swagger UI page and its assets
served locally; an unsupported method is a 405. The server is stopped by PID.
Exits non-zero on the first failure. Stdlib only.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import _cli

EXAMPLE = _cli.REPO_ROOT / "docs" / "example"
DEMO = {"username": "demo", "password": "restflow-demo"}
THROTTLE_LIMIT = 3


def request(
    base: str,
    method: str,
    path: str,
    body: Any = None,
    token: str | None = None,
) -> tuple[int, dict[str, str], Any]:
    """Send one request; return (status, headers, decoded JSON body or text)."""
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json", "Accept": "*/*"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=15) as resp:
            status, head, payload = resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        status, head, payload = exc.code, dict(exc.headers), exc.read()
    head = {key.lower(): value for key, value in head.items()}
    if "json" in head.get("content-type", "") and "ndjson" not in head["content-type"]:
        return status, head, json.loads(payload)
    return status, head, payload.decode(errors="replace")


def expect(condition: bool, what: str, got: Any) -> None:
    if not condition:
        raise AssertionError(f"{what}; got: {str(got)[:1500]}")
    print(f"ok    {what}")


def envelope(body: Any) -> bool:
    return (
        isinstance(body, dict)
        and isinstance(body.get("error"), dict)
        and {"code", "message", "details"} <= set(body["error"])
    )


def start_server(python: str, env: dict[str, str], port: int, log: Any) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            python,
            "-m",
            "uvicorn",
            "--app-dir",
            str(EXAMPLE),
            "example.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--lifespan",
            "off",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )


def wait_listening(server: subprocess.Popen[bytes], port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if server.poll() is not None:
            raise AssertionError(f"uvicorn exited with code {server.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise AssertionError(f"uvicorn did not listen within {timeout:.0f}s") from None
            time.sleep(0.1)


def check_catalogue(base: str) -> None:
    status, _, body = request(base, "GET", "/")
    expect(status == 200 and "products" in body and "docs" in body, "GET / -> the index", body)

    status, _, body = request(
        base, "GET", "/api/products/?category__slug=kitchen&price__lte=40&order_by=-price"
    )
    prices = [float(row["price"]) for row in body.get("results", [])]
    expect(
        status == 200
        and body["count"] >= 1
        and prices == sorted(prices, reverse=True)
        and all(price <= 40 for price in prices)
        and all(isinstance(row["latest_reviews"], list) for row in body["results"]),
        "GET /api/products/?category__slug=kitchen&price__lte=40&order_by=-price -> filtered",
        body,
    )

    status, _, body = request(base, "GET", "/api/products/?page_size=5")
    expect(
        status == 200 and body["count"] == 50 and len(body["results"]) == 5 and body["next"],
        "GET /api/products/?page_size=5 -> 50 seeded products, 5 a page",
        body,
    )

    status, _, body = request(base, "GET", "/api/products/?price__gte=cheap&in_stock=maybe")
    expect(
        status == 400
        and envelope(body)
        and {"price__gte", "in_stock"} <= set(body["error"]["details"]),
        "GET /api/products/?price__gte=cheap&in_stock=maybe -> 400 naming both parameters",
        body,
    )

    status, _, body = request(base, "GET", "/api/products/999999/")
    expect(status == 404 and envelope(body), "GET /api/products/999999/ -> 404", body)


def login(base: str) -> str:
    status, _, body = request(base, "POST", "/api/products/", {"name": "x"})
    expect(status == 401 and envelope(body), "POST /api/products/ without a token -> 401", body)

    status, _, body = request(
        base, "POST", "/api/auth/token/", {"username": "demo", "password": "wrong"}
    )
    expect(status == 401 and envelope(body), "POST /api/auth/token/ bad password -> 401", body)

    status, _, body = request(base, "POST", "/api/auth/token/", DEMO)
    expect(
        status == 200 and {"access", "refresh"} <= set(body),
        "POST /api/auth/token/ as demo -> access and refresh tokens",
        body,
    )
    access, refresh = body["access"], body["refresh"]

    status, _, body = request(base, "POST", "/api/auth/refresh/", {"refresh": refresh})
    expect(status == 200 and "access" in body, "POST /api/auth/refresh/ -> a new access", body)

    status, _, body = request(base, "GET", "/api/stats/", token="not.a.token")
    expect(status == 401 and envelope(body), "a malformed bearer token -> 401", body)
    return str(access)


def check_caching(base: str, token: str) -> None:
    status, head, body = request(base, "GET", "/api/categories/")
    expect(
        status == 200 and head.get("x-cache-status") == "MISS" and len(body) == 4,
        "GET /api/categories/ -> 4 categories, X-Cache-Status: MISS",
        (head, body),
    )
    status, head, body = request(base, "GET", "/api/categories/")
    expect(head.get("x-cache-status") == "HIT", "GET /api/categories/ again -> HIT", head)

    status, _, body = request(
        base, "POST", "/api/categories/", {"name": "Toys", "slug": "toys"}, token
    )
    expect(status == 201 and body["slug"] == "toys", "POST /api/categories/ -> 201", body)
    toys = body["id"]
    status, head, body = request(base, "GET", "/api/categories/")
    expect(
        head.get("x-cache-status") == "MISS" and "toys" in [row["slug"] for row in body],
        "GET /api/categories/ after the write -> MISS, lists the new category",
        (head, body),
    )

    status, head, stats = request(base, "GET", "/api/stats/")
    expect(status == 200 and stats["products"] == 50, "GET /api/stats/ -> 50 products", stats)
    status, head, _ = request(base, "GET", "/api/stats/")
    expect(head.get("x-cache-status") == "HIT", "GET /api/stats/ again -> HIT", head)

    new = {"name": "Kite", "price": "9.50", "category": toys, "description": "Flies."}
    status, _, product = request(base, "POST", "/api/products/", new, token)
    expect(
        status == 201 and product["category"]["slug"] == "toys" and product["latest_reviews"] == [],
        "POST /api/products/ with a token -> 201, the detail serializer",
        product,
    )
    status, head, stats = request(base, "GET", "/api/stats/")
    expect(
        stats["products"] == 51 and head.get("x-cache-status") == "MISS",
        "GET /api/stats/ after the write -> 51 products (invalidated)",
        (head, stats),
    )

    review = {"product": product["id"], "rating": 5, "comment": "Flies well."}
    status, _, body = request(base, "POST", "/api/reviews/", review, token)
    expect(
        status == 201 and body["author"] == "demo",
        "POST /api/reviews/ -> 201 by demo",
        body,
    )
    status, _, body = request(base, "GET", f"/api/products/{product['id']}/")
    expect(
        [row["comment"] for row in body["latest_reviews"]] == ["Flies well."],
        "GET /api/products/<new>/ -> the review among its latest reviews (PostFetch)",
        body,
    )
    status, _, body = request(
        base, "PATCH", f"/api/products/{product['id']}/", {"price": "7.25"}, token
    )
    expect(status == 200 and body["price"] == "7.25", "PATCH /api/products/<new>/ -> 200", body)

    status, _, body = request(base, "GET", f"/api/reviews/?product={product['id']}")
    expect(
        status == 200 and "count" not in body and len(body["results"]) == 1,
        "GET /api/reviews/?product=<new> -> one review, count-less page",
        body,
    )
    status, _, body = request(base, "DELETE", f"/api/products/{product['id']}/", token=token)
    expect(status == 204, "DELETE /api/products/<new>/ -> 204", body)

    status, _, body = request(base, "DELETE", "/api/products/", token=token)
    expect(status == 405 and envelope(body), "DELETE /api/products/ -> 405 in the envelope", body)


def check_orders_and_quotes(base: str, token: str, log: Path) -> None:
    status, _, body = request(base, "GET", "/api/orders/")
    expect(status == 401 and envelope(body), "GET /api/orders/ without a token -> 401", body)
    status, _, body = request(base, "GET", "/api/orders/", token=token)
    expect(status == 200 and body["count"] == 1, "GET /api/orders/ -> the seeded order", body)

    status, _, before = request(base, "GET", "/api/products/31/")
    lines = [{"product": 31, "quantity": 2}]
    status, _, body = request(base, "POST", "/api/orders/", {"lines": lines}, token)
    _, _, after = request(base, "GET", "/api/products/31/")
    expect(
        status == 201
        and [(line["product"], line["quantity"]) for line in body["lines"]] == [(31, 2)]
        and after["stock"] == before["stock"] - 2,
        "POST /api/orders/ -> 201, two units taken off the stock",
        (body, before["stock"], after["stock"]),
    )
    placed = body["id"]

    too_many = [{"product": 31, "quantity": 1}, {"product": 3, "quantity": 100}]
    status, _, body = request(base, "POST", "/api/orders/", {"lines": too_many}, token)
    _, _, unchanged = request(base, "GET", "/api/products/31/")
    _, _, orders = request(base, "GET", "/api/orders/", token=token)
    expect(
        status == 409
        and body["error"]["code"] == "insufficient_stock"
        and unchanged["stock"] == after["stock"]
        and orders["count"] == 2
        and orders["results"][0]["id"] == placed,
        "POST /api/orders/ short of stock -> 409, nothing taken, no order",
        (body, unchanged["stock"], orders),
    )

    parcel = {"country": "FR", "items": 2}
    status, _, body = request(base, "POST", "/api/shipping/quote/", parcel, token)
    asked = "GET /carrier/quote/?country=FR&items=2 HTTP/1.0"  # the example's own request
    expect(
        status == 200
        and body["carrier"] == "Example Post"
        and body["price"] == "6.00"
        and asked in log.read_text(errors="replace"),
        "POST /api/shipping/quote/ -> the stand-in carrier's quote, asked over HTTP",
        body,
    )


def check_throttle_streams_and_docs(base: str) -> None:
    statuses = [request(base, "GET", "/api/top-rated/")[0] for _ in range(THROTTLE_LIMIT)]
    status, head, body = request(base, "GET", "/api/top-rated/")
    expect(
        statuses == [200] * THROTTLE_LIMIT and status == 429 and envelope(body),
        f"GET /api/top-rated/ x{THROTTLE_LIMIT + 1} -> 200s, then 429 in the envelope",
        (statuses, status, body),
    )

    status, head, body = request(base, "GET", "/api/events/products/?category__slug=games")
    events = [block for block in body.split("\n\n") if block.strip()]
    expect(
        status == 200
        and head["content-type"].startswith("text/event-stream")
        and len(events) == 11
        and events[-1].startswith("event: end"),
        "GET /api/events/products/?category__slug=games -> 10 product events and an end event",
        body,
    )

    status, head, body = request(base, "GET", "/api/export/products/?in_stock=false")
    rows = [json.loads(line) for line in body.splitlines()]
    expect(
        status == 200
        and head["content-type"].startswith("application/x-ndjson")
        and len(rows) > 0
        and not any(row["in_stock"] for row in rows),
        "GET /api/export/products/?in_stock=false -> NDJSON rows, all out of stock",
        body,
    )

    status, _, schema = request(base, "GET", "/api/schema/?format=json")
    expect(
        status == 200
        and str(schema.get("openapi", "")).startswith("3.")
        and {"/api/products/", "/api/auth/token/", "/api/events/products/", "/api/orders/"}
        <= set(schema["paths"]),
        "GET /api/schema/ -> OpenAPI 3 with the example's paths",
        schema if status != 200 else sorted(schema["paths"]),
    )

    status, _, page = request(base, "GET", "/api/docs/")
    asset = "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"
    expect(status == 200 and asset in page, "GET /api/docs/ -> Swagger UI page", page)
    status, head, _ = request(base, "GET", asset)
    expect(
        status == 200 and "javascript" in head.get("content-type", ""),
        f"GET {asset} -> served locally (no CDN)",
        head,
    )


def main(argv: list[str] | None = None) -> int:
    parser = _cli.parser(__doc__, root="")
    parser.add_argument(
        "--python", default=sys.executable, help="interpreter with the example's packages"
    )
    parser.add_argument("--redis", default="", help="serve with this REDIS_URL (else LocMem)")
    parser.add_argument(
        "--timeout", type=float, default=30.0, help="seconds to wait for the server"
    )
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="restflow-example-"))
    env = dict(
        os.environ,
        RESTFLOW_EXAMPLE_DB=str(tmp / "smoke.sqlite3"),
        # a day's window (it restarts at 00:00 UTC): the smoke's few requests fall in one
        # window without waiting for the start of one
        RESTFLOW_EXAMPLE_THROTTLE_RATE=f"{THROTTLE_LIMIT}/day",
        RESTFLOW_EXAMPLE_CACHE_PREFIX=f"restflow-example-smoke-{uuid.uuid4().hex}",
        DJANGO_DEBUG="0",
        DJANGO_SETTINGS_MODULE="example.settings",
    )
    env.pop("PYTHONPATH", None)
    env.pop("REDIS_URL", None)
    if args.redis:
        env["REDIS_URL"] = args.redis
    port = _cli.free_port()
    # the quotes go over HTTP to the example's own stand-in carrier
    env["RESTFLOW_EXAMPLE_CARRIER_URL"] = f"http://127.0.0.1:{port}/carrier/quote/"
    migrate = subprocess.run(
        [args.python, str(EXAMPLE / "manage.py"), "migrate", "--noinput"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if migrate.returncode != 0:
        print(migrate.stdout + migrate.stderr)
        print("FAIL  manage.py migrate")
        return 1
    print("ok    manage.py migrate (demo data seeded)")

    log = open(tmp / "uvicorn.log", "w+")  # noqa: SIM115  (open while the server runs; closed below)
    server = start_server(args.python, env, port, log)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_listening(server, port, args.timeout)
        print(f"ok    uvicorn serves {base} ({'Redis' if args.redis else 'LocMem'} cache)")
        check_catalogue(base)
        token = login(base)
        check_caching(base, token)
        check_orders_and_quotes(base, token, tmp / "uvicorn.log")
        check_throttle_streams_and_docs(base)
    except AssertionError as exc:
        log.seek(0)
        print(f"FAIL  {exc}\n--- uvicorn log ---\n{log.read()[-4000:]}")
        return 1
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
        for leftover in tmp.iterdir():
            leftover.unlink()
        tmp.rmdir()
    print("example smoke test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
