#!/usr/bin/env python3
"""Parse and apply six query parameters: restflow FilterSet vs django-filter vs hand-written.

    .bench-venv/bin/python scripts/bench/filters_parse.py [--rounds N] [--calls N] [--quick]

Each implementation turns the same ``QueryDict`` (six parameters: text,
decimal, integer, boolean, date, and a list of ids) into a filtered queryset
of the same model; nothing touches the database. ``hand-written`` converts
the six values with ``int()``/``Decimal()``/... and calls
``.filter(**kwargs)`` — the floor a library can approach. The three run
interleaved, round-robin, in every round; ratios compare best rounds.
``--compile`` also compiles each queryset's SQL (``str(qs.query)``), the
work Django does next whatever the library.

Target (issue 3): restflow within 2.5x of hand-written.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.metadata
import platform
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import _django
import _perf
import _venv

HERE = Path(__file__).resolve().parent
DEFAULT_OUTPUT = HERE / "results" / "filters_parse.json"
TARGET = 2.5

QUERY = (
    "name__icontains=book&price__gte=10.50&stock__lte=40&in_stock=true"
    "&released__gte=2023-01-01&id__in=1,2,3"
)


def _ensure_bench_python() -> None:
    _venv.ensure_bench_python(__file__, "django_filters", "restflow.filters")


def _setup() -> dict[str, Callable[[Any], Any]]:
    """Configure Django, declare the model and the three implementations."""
    import django
    from django.conf import settings

    settings.configure(
        SECRET_KEY="bench",
        USE_TZ=True,
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "rest_framework"],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    )
    django.setup()

    import django_filters
    from django.db import models

    from restflow.filters import FilterSet, IntegerField, StringField

    class Product(models.Model):  # noqa: DJ008
        name = models.CharField(max_length=100)
        price = models.DecimalField(max_digits=8, decimal_places=2)
        stock = models.IntegerField()
        in_stock = models.BooleanField()
        released = models.DateField()

        class Meta:
            app_label = "benchfilters"

    class RestflowProducts(FilterSet):
        name = StringField(lookups=["icontains"])
        stock = IntegerField(lookups=["lte"])

        class Meta:
            model = Product
            fields = ["id", "price", "in_stock", "released"]
            extra_kwargs = {
                "price": {"lookups": ["gte"]},
                "released": {"lookups": ["gte"]},
                "id": {"lookups": ["in"]},
            }

    class DjangoFilterProducts(django_filters.FilterSet):
        class Meta:
            model = Product
            fields = {
                "name": ["icontains"],
                "price": ["gte"],
                "stock": ["lte"],
                "in_stock": ["exact"],
                "released": ["gte"],
                "id": ["in"],
            }

    truthy = {"true", "1", "yes", "on"}

    def hand_written(data: Any) -> Any:
        return Product.objects.filter(
            name__icontains=data["name__icontains"],
            price__gte=Decimal(data["price__gte"]),
            stock__lte=int(data["stock__lte"]),
            in_stock=data["in_stock"].lower() in truthy,
            released__gte=dt.date.fromisoformat(data["released__gte"]),
            id__in=[int(part) for part in data["id__in"].split(",")],
        )

    def restflow(data: Any) -> Any:
        return RestflowProducts(data=data).filter_queryset(Product.objects.all())

    def django_filter(data: Any) -> Any:
        return DjangoFilterProducts(data=data, queryset=Product.objects.all()).qs

    return {"hand-written": hand_written, "restflow": restflow, "django-filter": django_filter}


def _check_same_sql(implementations: dict[str, Callable[[Any], Any]], data: Any) -> dict[str, str]:
    """Every implementation must build the same WHERE clause (else the comparison is void)."""
    sql = {name: str(fn(data).query) for name, fn in implementations.items()}
    where = {name: text.split(" WHERE ", 1)[-1] for name, text in sql.items()}
    reference = where["hand-written"]
    for name, clause in where.items():
        if sorted(clause.replace("(", "").replace(")", "").split(" AND ")) != sorted(
            reference.replace("(", "").replace(")", "").split(" AND ")
        ):
            sys.exit(
                f"{name} builds a different query:\n  {clause}\nvs hand-written:\n  {reference}"
            )
    return where


def _time(fn: Callable[[Any], Any], data: Any, calls: int, compile_sql: bool) -> float:
    started = time.perf_counter()
    if compile_sql:
        for _ in range(calls):
            str(fn(data).query)
    else:
        for _ in range(calls):
            fn(data)
    return (time.perf_counter() - started) / calls * 1e6


def main(argv: list[str] | None = None) -> int:
    parser = _perf.parser(__doc__, DEFAULT_OUTPUT, rounds=15, values=2, pin=False)
    parser.add_argument("--compile", action="store_true", help="also compile the SQL")
    args = _perf.parse(parser, argv, quick_rounds=3)

    _ensure_bench_python()
    implementations = _setup()
    from django.http import QueryDict

    data = QueryDict(QUERY)
    where = _check_same_sql(implementations, data)
    timers = {name: functools.partial(_time, fn, data, compile_sql=args.compile)
              for name, fn in implementations.items()}  # fmt: skip
    part = _perf.timed({"filters": timers}, args, "hand-written")["filters"]
    rounds, best = part["rounds"], part["best"]
    ratios = {
        "restflow / hand-written": best["restflow"] / best["hand-written"],
        "django-filter / hand-written": best["django-filter"] / best["hand-written"],
        "django-filter / restflow (speed-up)": best["django-filter"] / best["restflow"],
    }
    passed = ratios["restflow / hand-written"] <= TARGET

    versions = {
        dist: importlib.metadata.version(dist)
        for dist in ("Django", "djangorestframework", "django-filter", "restflow-filters")
    }
    print(f"six query parameters -> filtered queryset{' + SQL' if args.compile else ''}")
    print(f"  {args.rounds} interleaved rounds (pyperf-calibrated loops); best round, µs per call")
    print("  versions: " + ", ".join(f"{k} {v}" for k, v in versions.items()))
    for name, value in best.items():
        print(f"  {name:<16} {value:8.1f} µs")
    for name, value in ratios.items():
        print(f"  {name:<38} {value:6.2f}")
    verdict = "PASS" if passed else "FAIL"
    print(f"target: restflow within {TARGET}x of hand-written: {verdict}")

    args.output.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "query": QUERY,
        "where": where["restflow"],
        "compile_sql": args.compile,
        "rounds": args.rounds,
        "us_per_call": rounds,
        "statistics": part,
        "best_us": best,
        "ratios": {k: round(v, 3) for k, v in ratios.items()},
        "target": {"restflow / hand-written <=": TARGET, "passed": passed},
        "versions": versions,
        "python": platform.python_version(),
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    _django.write_results(args.output, report, args.quick)
    return 1 if args.strict and not passed else 0


if __name__ == "__main__":
    sys.exit(main())
