"""The list endpoint of ``views_list.py``: its SQLite data, model, serializers and views.

One module, so that the bench process and the uvicorn workers of its HTTP part
(``uvicorn _views_app:application``) build the same app; ``ROOT_URLCONF`` is this module.
"""

from __future__ import annotations

import os
import random
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

import _django

DB_ENV = "RESTFLOW_VIEWS_BENCH_DB"
QUERY = {"category": "c3", "in_stock": "true", "price__gte": "100"}
QUERY_STRING = "category=c3&in_stock=true&price__gte=100"
PAGE_SIZE = 50
CATEGORIES = [f"c{i}" for i in range(5)]


# -- the database -------------------------------------------------------------------

_TABLE = "views_bench_product"


def build_db(rows: int) -> Path:
    """A SQLite file with ``rows`` products (built once, reused by later runs)."""
    path = Path(tempfile.gettempdir()) / f"restflow_views_bench_{rows}.sqlite3"
    if path.exists():
        return path
    tmp = path.with_suffix(".building")
    tmp.unlink(missing_ok=True)
    rng = random.Random(rows)
    conn = sqlite3.connect(tmp)
    conn.execute(
        f"CREATE TABLE {_TABLE} (id INTEGER PRIMARY KEY AUTOINCREMENT, name VARCHAR(100) NOT NULL,"
        " category VARCHAR(20) NOT NULL, price INTEGER NOT NULL, in_stock BOOL NOT NULL,"
        " rating REAL NOT NULL, description TEXT NOT NULL)"
    )
    conn.execute(f"CREATE INDEX {_TABLE}_category ON {_TABLE} (category)")
    batch = []
    for i in range(rows):
        batch.append(
            (
                f"product {i}",
                rng.choice(CATEGORIES),
                rng.randrange(0, 1000),
                rng.random() < 0.5,
                round(rng.random() * 5, 2),
                f"description of product {i}",
            )
        )
        if len(batch) == 50_000:
            conn.executemany(
                f"INSERT INTO {_TABLE} (name, category, price, in_stock, rating, description)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                batch,
            )
            batch.clear()
    if batch:
        conn.executemany(
            f"INSERT INTO {_TABLE} (name, category, price, in_stock, rating, description)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            batch,
        )
    conn.commit()
    conn.close()
    tmp.rename(path)
    return path


# -- Django, the model and the views ----------------------------------------------


def setup_django(db: Path, big_db: Path | None = None) -> None:
    """Configure Django in this process (no settings module: the bench is one file)."""
    databases: dict[str, Any] = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": db}}
    if big_db is not None:
        databases["big"] = {"ENGINE": "django.db.backends.sqlite3", "NAME": big_db}
    _django.configure_database(databases, "_views_app", apps=("django_filters",))


_APP: dict[str, Any] = {}


def app() -> dict[str, Any]:
    """Build (once) the model, serializers and views; Django must be set up."""
    if _APP:
        return _APP
    import adrf.generics
    import adrf.serializers
    from django.db import models
    from django.http import JsonResponse
    from django.urls import path
    from django_filters import rest_framework as dfilters
    from rest_framework import generics, pagination, serializers

    import restflow.serializers
    from restflow.filters import FilterSet, IntegerField, RestflowFilterBackend
    from restflow.pagination import FastPageNumberPagination, PageNumberPagination
    from restflow.views import AsyncListAPIView

    class Product(models.Model):
        name = models.CharField(max_length=100)
        category = models.CharField(max_length=20)
        price = models.IntegerField()
        in_stock = models.BooleanField()
        rating = models.FloatField()
        description = models.TextField()

        class Meta:
            app_label = "views_bench"
            db_table = _TABLE
            ordering = ["id"]

        def __str__(self) -> str:
            return self.name

    fields = ["id", "name", "category", "price", "in_stock", "rating", "description"]

    class DRFProductSerializer(serializers.ModelSerializer):
        class Meta:
            model = Product
            fields = ["id", "name", "category", "price", "in_stock", "rating", "description"]

    class AdrfProductSerializer(adrf.serializers.ModelSerializer):
        class Meta:
            model = Product
            fields = ["id", "name", "category", "price", "in_stock", "rating", "description"]

    class RestflowProductSerializer(restflow.serializers.ModelSerializer):
        class Meta:
            model = Product
            fields = ["id", "name", "category", "price", "in_stock", "rating", "description"]

    class DjangoFilterSet(dfilters.FilterSet):
        class Meta:
            model = Product
            fields = {"category": ["exact"], "in_stock": ["exact"], "price": ["gte"]}

    class ProductFilterSet(FilterSet):
        category: str
        in_stock: bool
        price = IntegerField(lookups=["gte"])

        class Meta:
            model = Product

    class DRFPages(pagination.PageNumberPagination):
        page_size = PAGE_SIZE

    class Pages(PageNumberPagination):
        page_size = PAGE_SIZE

    class FastPages(FastPageNumberPagination):
        page_size = PAGE_SIZE

    class DRFList(generics.ListAPIView):
        queryset = Product.objects.all()
        serializer_class = DRFProductSerializer
        filter_backends = [dfilters.DjangoFilterBackend]
        filterset_class = DjangoFilterSet
        pagination_class = DRFPages

    class AdrfList(adrf.generics.ListAPIView):
        queryset = Product.objects.all()
        serializer_class = AdrfProductSerializer
        filter_backends = [dfilters.DjangoFilterBackend]
        filterset_class = DjangoFilterSet
        pagination_class = DRFPages

    class RestflowPageList(AsyncListAPIView):
        queryset = Product.objects.all()
        serializer_class = RestflowProductSerializer
        filter_backends = [RestflowFilterBackend]
        filterset_class = ProductFilterSet
        pagination_class = Pages

    class RestflowFastList(RestflowPageList):
        pagination_class = FastPages

    class BigPageList(RestflowPageList):
        queryset = Product.objects.using("big").all()

    class BigFastList(RestflowFastList):
        queryset = Product.objects.using("big").all()

    async def hand_written(request: Any) -> JsonResponse:
        """The same ORM work with no framework: filter, 51 rows, dicts, JSON."""
        params = request.GET
        try:
            number = int(params.get("page", 1))
            min_price = int(params["price__gte"])
        except (KeyError, ValueError):
            return JsonResponse({"error": "bad query"}, status=400)
        queryset = Product.objects.filter(
            category=params["category"],
            in_stock=params["in_stock"] == "true",
            price__gte=min_price,
        )
        start = (number - 1) * PAGE_SIZE
        rows = [
            {name: getattr(row, name) for name in fields}
            async for row in queryset[start : start + PAGE_SIZE + 1]
        ]
        more = len(rows) > PAGE_SIZE
        return JsonResponse({"next": number + 1 if more else None, "results": rows[:PAGE_SIZE]})

    endpoints = {
        "drf-sync": DRFList.as_view(),
        "adrf": AdrfList.as_view(),
        "restflow-page": RestflowPageList.as_view(),
        "restflow-fast": RestflowFastList.as_view(),
        "page@1M": BigPageList.as_view(),
        "fast@1M": BigFastList.as_view(),
    }
    _APP.update(
        Product=Product,
        serializers={
            "ser-drf-sync": DRFProductSerializer,
            "ser-restflow": RestflowProductSerializer,
            "ser-adrf": AdrfProductSerializer,
        },
        endpoints=endpoints,
        urlpatterns=[
            path("fast/", endpoints["restflow-fast"]),
            path("hand/", hand_written),
        ],
    )
    return _APP


# ROOT_URLCONF is this module (Django reads ``urlpatterns`` after set-up), and it is the
# HTTP part's server: uvicorn _views_app:application.
__getattr__ = _django.module_getattr(globals(), app, lambda: setup_django(Path(os.environ[DB_ENV])))
