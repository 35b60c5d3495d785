"""The example project (docs/example), served by uvicorn in a subprocess, over HTTP.

Run by the ``it-example`` hatch environment (every restflow package, uvicorn,
openapi-spec-validator, schemathesis, drf-spectacular-sidecar). Elsewhere the module
is skipped; with ``RESTFLOW_EXAMPLE_TESTS=required`` (set by ``it-example``) a missing
dependency fails instead. The browser check needs Debian's Chromium
(``/usr/bin/chromium``): skipped without it, a failure with ``CI=true``.

Covers: the schema (OpenAPI 3, validated), the catalogue with filters, pagination,
ActionConfig and PostFetch, JWT login/refresh/logout, the caches and their
invalidation (LocMem, and Django's RedisCache when ``REDIS_URL`` is set), throttling,
SSE and NDJSON streams, the offline Swagger UI, a bounded schemathesis run with a real
token, and Swagger UI rendered by headless Chromium.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from example_support.server import ExampleServer, serve_example
from example_support.suite import served_suite

from testsupport.ci import skip_or_fail

SUITE = served_suite(
    "it-example", "RESTFLOW_EXAMPLE_TESTS", ("openapi_spec_validator", "schemathesis")
)

THROTTLE_LIMIT = 5


@pytest.fixture(scope="module", autouse=True)
def _promised() -> None:
    """In its own environment, a missing module fails every test (elsewhere all skip)."""
    SUITE.require()


CHROMIUM = os.environ.get("RESTFLOW_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# schemathesis bounds: examples per operation, the run's time budget (its --max-time, in
# seconds) and a hard limit on the subprocess
FUZZ_EXAMPLES = int(os.environ.get("RESTFLOW_EXAMPLE_FUZZ_EXAMPLES", "15"))
FUZZ_BUDGET = int(os.environ.get("RESTFLOW_EXAMPLE_FUZZ_BUDGET", "60"))
FUZZ_SECONDS = FUZZ_BUDGET + 120
FUZZ_SEED = os.environ.get("RESTFLOW_EXAMPLE_FUZZ_SEED", "1")
# One worker on Python 3.11: there, two threads parsing source at once (hypothesis describes
# its filters with ast.parse) can fail with "SystemError: AST constructor recursion depth
# mismatch" (CPython's AST module shares its recursion counter between threads; seen with
# 3.11.7, not with 3.13).
FUZZ_WORKERS = os.environ.get(
    "RESTFLOW_EXAMPLE_FUZZ_WORKERS", "1" if sys.version_info < (3, 12) else "2"
)
FUZZ_CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
)


@pytest.fixture(scope="module")
def example() -> Iterator[ExampleServer]:
    """The example on LocMem, for the functional checks (its data is only changed here)."""
    with serve_example(RESTFLOW_EXAMPLE_THROTTLE_RATE=f"{THROTTLE_LIMIT}/day") as server:
        yield server


@pytest.fixture(scope="module")
def schema(example: ExampleServer) -> dict[str, Any]:
    reply = example.request("GET", "/api/schema/?format=json")
    assert reply.status == 200, reply.text
    document: dict[str, Any] = reply.json()
    return document


@pytest.fixture(scope="module")
def token(example: ExampleServer) -> str:
    return example.login()["access"]


def is_envelope(body: Any) -> bool:
    error = body.get("error") if isinstance(body, dict) else None
    return isinstance(error, dict) and {"code", "message", "details"} <= set(error)


# --------------------------------------------------------------------------- schema


def test_schema_validates_against_the_openapi_3_spec(schema: dict[str, Any]) -> None:
    from openapi_spec_validator import validate  # type: ignore[import-not-found,unused-ignore]

    assert schema["openapi"].startswith("3.")
    validate(schema)


def test_schema_documents_every_endpoint(schema: dict[str, Any]) -> None:
    assert set(schema["paths"]) == {
        "/",
        "/api/auth/token/",
        "/api/auth/refresh/",
        "/api/auth/blacklist/",
        "/api/categories/",
        "/api/products/",
        "/api/products/{id}/",
        "/api/reviews/",
        "/api/reviews/{id}/",
        "/api/stats/",
        "/api/top-rated/",
        "/api/events/products/",
        "/api/export/products/",
        "/api/orders/",
        "/api/orders/{id}/",
        "/api/shipping/quote/",
    }  # not /carrier/quote/: the stand-in carrier is no part of the API


def test_schema_has_filters_pagination_errors_and_bearer_auth(schema: dict[str, Any]) -> None:
    listing = schema["paths"]["/api/products/"]["get"]
    names = {parameter["name"] for parameter in listing["parameters"]}
    assert {"page", "page_size", "name__icontains", "price__lte", "category__slug"} <= names
    assert {"order_by", "in_stock", "name__icontains!"} <= names
    assert {"200", "400", "404"} <= set(listing["responses"])
    assert schema["components"]["securitySchemes"]["jwtAuth"]["scheme"] == "bearer"
    assert "ErrorEnvelope" in schema["components"]["schemas"]
    assert "429" in schema["paths"]["/api/top-rated/"]["get"]["responses"]
    reviews = schema["components"]["schemas"]["ReviewPaginatedReviewList"]
    assert "count" not in reviews["properties"]  # FastPageNumberPagination: no COUNT


def test_schema_splits_serializers_per_action(schema: dict[str, Any]) -> None:
    create = schema["paths"]["/api/products/"]["post"]
    body = create["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body.endswith("/ProductWriteRequest")
    assert create["responses"]["201"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/ProductDetail"
    )
    products = schema["components"]["schemas"]["ProductPaginatedProductListList"]
    assert products["properties"]["results"]["items"]["$ref"].endswith("/ProductList")


# --------------------------------------------------------------------------- catalogue


def test_list_endpoint_with_filters_returns_the_seeded_data(example: ExampleServer) -> None:
    reply = example.request(
        "GET", "/api/products/?category__slug=kitchen&price__lte=40&order_by=-price"
    )
    body = reply.json()
    assert reply.status == 200, body
    prices = [float(row["price"]) for row in body["results"]]
    assert body["count"] == len(prices) > 0
    assert prices == sorted(prices, reverse=True)
    assert all(price <= 40 for price in prices)


def test_seeded_catalogue_has_fifty_products_ten_a_page(example: ExampleServer) -> None:
    body = example.request("GET", "/api/products/").json()
    assert body["count"] == 50
    assert len(body["results"]) == 10
    assert body["next"].endswith("page=2")
    assert len(example.request("GET", "/api/categories/").json()) >= 4


def test_list_rows_carry_their_latest_reviews(example: ExampleServer) -> None:
    rows = example.request("GET", "/api/products/?page_size=50").json()["results"]
    reviewed = [row for row in rows if row["latest_reviews"]]
    assert reviewed
    assert all(len(row["latest_reviews"]) <= 3 for row in rows)
    stamps = [review["created_at"] for review in reviewed[0]["latest_reviews"]]
    assert stamps == sorted(stamps, reverse=True)


def test_bad_filter_values_are_a_400_naming_each_parameter(example: ExampleServer) -> None:
    reply = example.request("GET", "/api/products/?price__gte=cheap&in_stock=maybe")
    body = reply.json()
    assert reply.status == 400
    assert is_envelope(body)
    assert set(body["error"]["details"]) == {"price__gte", "in_stock"}


def test_ids_beyond_64_bits_are_a_400_not_a_database_error(example: ExampleServer) -> None:
    huge = 2**64
    for path in (
        f"/api/products/?id__in=1,{huge}",
        f"/api/products/?category={huge}",
        f"/api/reviews/?product={huge}",
    ):
        reply = example.request("GET", path)
        assert reply.status == 400, (path, reply.text)
        assert is_envelope(reply.json())


def test_unknown_urls_are_a_404_in_the_envelope(example: ExampleServer) -> None:
    for path in (
        "/api/products/0.5/",
        "/api/products/999999/",
        f"/api/products/{2**64}/",
        "/api/products/?page=0",
        f"/api/products/?page={10**20}",
        f"/api/reviews/?page={10**20}",
        "/api/nothing/",
    ):
        reply = example.request("GET", path)
        assert reply.status == 404, path
        assert is_envelope(reply.json()), reply.text


# --------------------------------------------------------------------------- JWT


def test_writes_without_a_token_are_refused(example: ExampleServer) -> None:
    reply = example.request("POST", "/api/products/", {"name": "x", "price": "1", "category": 1})
    assert reply.status == 401
    assert reply.json()["error"]["code"] == "not_authenticated"
    assert reply.headers["www-authenticate"].startswith("Bearer")


def test_login_refresh_and_logout(example: ExampleServer) -> None:
    bad = example.request("POST", "/api/auth/token/", {"username": "demo", "password": "no"})
    assert bad.status == 401 and is_envelope(bad.json())
    tokens = example.login()
    refreshed = example.request("POST", "/api/auth/refresh/", {"refresh": tokens["refresh"]})
    assert refreshed.status == 200 and refreshed.json()["access"]
    out = example.request("POST", "/api/auth/blacklist/", {"refresh": tokens["refresh"]})
    assert out.status == 200, out.text
    again = example.request("POST", "/api/auth/refresh/", {"refresh": tokens["refresh"]})
    assert again.status == 401
    assert again.json()["error"]["details"]["reason"] == "blacklisted"


def test_create_update_delete_with_a_token(example: ExampleServer, token: str) -> None:
    created = example.request(
        "POST", "/api/products/", {"name": "Lamp", "price": "12.00", "category": 1}, token
    )
    product = created.json()
    assert created.status == 201, product
    assert product["category"] == {"id": 1, "name": "Books", "slug": "books"}
    assert product["latest_reviews"] == []
    path = f"/api/products/{product['id']}/"
    patched = example.request("PATCH", path, {"price": "10.50"}, token)
    assert patched.status == 200 and patched.json()["price"] == "10.50"
    invalid = example.request("PUT", path, {"name": "", "price": "-1", "category": 99}, token)
    assert invalid.status == 400
    assert {"name", "price", "category"} <= set(invalid.json()["error"]["details"])
    assert example.request("DELETE", path, token=token).status == 204
    assert example.request("GET", path).status == 404


def test_a_new_review_shows_in_the_products_latest_reviews(
    example: ExampleServer, token: str
) -> None:
    review = {"product": 2, "rating": 4, "comment": "Newest review"}
    created = example.request("POST", "/api/reviews/", review, token)
    assert created.status == 201, created.text
    assert created.json()["author"] == "demo"
    latest = example.request("GET", "/api/products/2/").json()["latest_reviews"]
    assert latest[0]["comment"] == "Newest review"
    page = example.request("GET", "/api/reviews/?product=2&order_by=-id").json()
    assert "count" not in page
    assert page["results"][0]["comment"] == "Newest review"


def test_quotes_come_from_the_in_process_carrier_by_default(
    example: ExampleServer, token: str
) -> None:
    """No ``RESTFLOW_EXAMPLE_CARRIER_URL``: the stand-in's rate card, without network."""
    parcel = {"country": "US", "items": 2}
    reply = example.request("POST", "/api/shipping/quote/", parcel, token)
    assert reply.status == 200, reply.text
    quote = {"carrier": "Example Post", "price": "14.00", "currency": "EUR", "days": 6}
    assert reply.json() == {**parcel, **quote}
    assert example.request("GET", "/carrier/quote/?country=US&items=2").json() == quote


# --------------------------------------------------------------------------- caching


def test_cached_category_list_shows_a_write_on_the_next_read(
    example: ExampleServer, token: str
) -> None:
    example.request("GET", "/api/categories/")
    hit = example.request("GET", "/api/categories/")
    assert hit.headers["x-cache-status"] == "HIT"
    created = example.request("POST", "/api/categories/", {"name": "Toys", "slug": "toys"}, token)
    assert created.status == 201, created.text
    after = example.request("GET", "/api/categories/")
    assert after.headers["x-cache-status"] == "MISS"
    assert "toys" in [row["slug"] for row in after.json()]


def test_cached_stats_follow_writes(example: ExampleServer, token: str) -> None:
    before = example.request("GET", "/api/stats/").json()
    assert example.request("GET", "/api/stats/").headers["x-cache-status"] == "HIT"
    created = example.request(
        "POST", "/api/products/", {"name": "Mug", "price": "4.00", "category": 4}, token
    )
    assert created.status == 201
    after = example.request("GET", "/api/stats/")
    assert after.headers["x-cache-status"] == "MISS"
    assert after.json()["products"] == before["products"] + 1


@pytest.mark.requires("redis")
def test_redis_cache_when_redis_url_is_set() -> None:
    with serve_example(REDIS_URL=os.environ["REDIS_URL"]) as server:
        token = server.login()["access"]
        assert server.request("GET", "/api/categories/").headers["x-cache-status"] == "MISS"
        assert server.request("GET", "/api/categories/").headers["x-cache-status"] == "HIT"
        created = server.request("POST", "/api/categories/", {"name": "Red", "slug": "red"}, token)
        assert created.status == 201
        after = server.request("GET", "/api/categories/")
        assert after.headers["x-cache-status"] == "MISS"
        assert "red" in [row["slug"] for row in after.json()]


# --------------------------------------------------------------------------- throttling, streams


def test_throttled_endpoint_answers_429_past_its_rate(example: ExampleServer) -> None:
    # the rate is per day (fixed windows from midnight UTC): the burst runs in one window
    statuses = [example.request("GET", "/api/top-rated/").status for _ in range(THROTTLE_LIMIT)]
    assert statuses == [200] * THROTTLE_LIMIT
    refused = example.request("GET", "/api/top-rated/")
    assert refused.status == 429
    assert refused.json()["error"]["code"] == "throttled"
    assert int(refused.headers["retry-after"]) > 0


def test_sse_endpoint_streams_the_filtered_products(example: ExampleServer) -> None:
    reply = example.request("GET", "/api/events/products/?category__slug=games&in_stock=true")
    assert reply.status == 200
    assert reply.headers["content-type"].startswith("text/event-stream")
    events = [block.splitlines() for block in reply.text.split("\n\n") if block.strip()]
    products = [json.loads(lines[-1].removeprefix("data: ")) for lines in events[:-1]]
    assert products and all(row["in_stock"] and row["category_id"] == 2 for row in products)
    assert events[-1] == ["event: end", f'data: {{"count":{len(products)}}}']


def test_sse_endpoint_rejects_bad_filters_before_streaming(example: ExampleServer) -> None:
    reply = example.request("GET", "/api/events/products/?price__lt=free")
    assert reply.status == 400 and is_envelope(reply.json())


def test_ndjson_export(example: ExampleServer) -> None:
    reply = example.request("GET", "/api/export/products/?in_stock=false")
    assert reply.headers["content-type"].startswith("application/x-ndjson")
    rows = [json.loads(line) for line in reply.text.splitlines()]
    assert rows and not any(row["in_stock"] for row in rows)


# --------------------------------------------------------------------------- docs page


_LINKED = re.compile(r"""\b(?:src|href)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_ANY_HOST = re.compile(r"(?:https?:)?//[\w.-]+\.[a-z]{2,}", re.IGNORECASE)


def _external_hosts(page: str) -> set[str]:
    """The hosts a page refers to: those of its linked URLs, and of any ``//host`` URL in it.

    Looked up as URLs, not as words: the page carries random tokens (the CSRF token),
    which may spell ``cdn`` by chance.
    """
    urls = [*_LINKED.findall(page), *_ANY_HOST.findall(page)]
    return {host for host in (urlsplit(url).netloc for url in urls) if host}


def test_external_hosts_finds_cdn_assets_and_ignores_tokens_that_spell_cdn() -> None:
    cdn = '<script src="https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js">'
    sheet = "<link rel='stylesheet' href='//unpkg.com/swagger-ui-dist/swagger-ui.css'>"
    script = "fetch('https://assets.example.org/x.js')"
    local = '<script src="/static/ui.js"></script><a href="#top">'
    token = 'const csrfToken = "muaqctupxycdnufxudimuvc1mfd";'
    assert _external_hosts(cdn + sheet + script + local + token) == {
        "cdn.jsdelivr.net",
        "unpkg.com",
        "assets.example.org",
    }
    assert _external_hosts(local + token) == set()


def test_docs_page_serves_swagger_ui_from_local_static_files(example: ExampleServer) -> None:
    page = example.request("GET", "/api/docs/").text
    assets = [
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css",
    ]
    for asset in assets:
        assert asset in page
        reply = example.request("GET", asset)
        assert reply.status == 200 and len(reply.body) > 1000, asset
    assert _external_hosts(page) == set()


def test_swagger_ui_renders_the_operations_in_chromium(
    example: ExampleServer, schema: dict[str, Any]
) -> None:
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"needs Chromium at {CHROMIUM} (apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="restflow-chromium-") as profile:
        dom = subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                # every host but the example's is unresolvable: the page must render offline
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                f"--user-data-dir={profile}",
                "--virtual-time-budget=15000",
                "--dump-dom",
                f"{example.base}/api/docs/",
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        ).stdout
    operations = sum(
        len([method for method in item if method != "parameters"])
        for item in schema["paths"].values()
    )
    assert dom.count('class="opblock-summary-path"') == operations, dom[-3000:]
    for path in ("/api/products/", "/api/products/{id}/", "/api/auth/token/"):
        assert f'data-path="{path}"' in dom
    assert "opblock-get" in dom and "opblock-post" in dom and "opblock-delete" in dom


# --------------------------------------------------------------------------- schemathesis


def _schemathesis() -> list[str]:
    script = Path(sys.executable).with_name("st")
    return [str(script)] if script.exists() else [sys.executable, "-m", "schemathesis.cli"]


def test_schemathesis_finds_no_server_error_and_no_schema_violation() -> None:
    """Every operation, authenticated as the demo user, on a server of its own."""
    with serve_example() as server, tempfile.TemporaryDirectory() as tmp:
        token = server.login()["access"]
        command = [
            *_schemathesis(),
            "run",
            f"{server.base}/api/schema/?format=json",
            "--header",
            f"Authorization: Bearer {token}",
            "--checks",
            ",".join(FUZZ_CHECKS),
            "--phases",
            "examples,coverage,fuzzing",
            "--max-examples",
            str(FUZZ_EXAMPLES),
            "--max-time",
            str(FUZZ_BUDGET),
            "--seed",
            FUZZ_SEED,
            "--workers",
            FUZZ_WORKERS,
            "--request-timeout",
            "20",
            "--generation-database",
            "none",
            "--no-color",
        ]
        try:
            run = subprocess.run(
                command,
                capture_output=True,
                text=True,
                timeout=FUZZ_SECONDS,
                cwd=tmp,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            pytest.fail(f"schemathesis ran past {FUZZ_SECONDS}s:\n{exc.stdout!s}", pytrace=False)
        report = run.stdout + run.stderr
        assert run.returncode == 0, f"{report[-12000:]}\n--- server log ---\n{server.log_tail()}"
        assert "23 selected / 23 total" in report, report[-3000:]
        assert " 500 " not in server.log.read_text(errors="replace")
