#!/usr/bin/env python3
"""Draw the benchmark results as PNGs for the documentation's benchmarks page.

    .bench-venv/bin/python scripts/bench/plot.py        # reads results/*.json

One horizontal bar chart per benchmark whose results file exists, written to
``docs/img/bench-<name>.png``: the best round of each implementation,
relative to the peer the issue compares against (1.0 = the peer; shorter bars
are faster). Needs matplotlib (in ``requirements.txt``).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
OUT = HERE.parent.parent / "docs" / "img"

Series = tuple[str, list[tuple[str, float]]]


def _relative(values: dict[str, float], reference: str, keys: list[str]) -> list[tuple[str, float]]:
    base = values[reference]
    return [(key, values[key] / base) for key in keys if key in values]


def core_dispatch(data: dict[str, Any]) -> list[Series]:
    direct = data["in_process"]["direct"]["best"]
    http = data["http"]["best"]
    inverse = {key: 1 / value for key, value in http.items()}  # time per request
    keys = ["drf-sync", "adrf", "restflow", "django-async"]
    return [
        ("in-process, µs per request (relative to DRF sync)", _relative(direct, "drf-sync", keys)),
        (
            "over HTTP, time per request (relative to DRF sync)",
            _relative(inverse, "drf-sync", keys),
        ),
    ]


def filters_parse(data: dict[str, Any]) -> list[Series]:
    keys = ["hand-written", "restflow", "django-filter"]
    title = "six query parameters -> queryset (relative to hand-written)"
    return [(title, _relative(data["best_us"], "hand-written", keys))]


def jwt_auth(data: dict[str, Any]) -> list[Series]:
    tokens = {key: min(rounds) for key, rounds in data["tokens_us"].items()}
    auth = {key: min(rounds) for key, rounds in data["auth_us"].items()}
    return [
        ("encode + decode (relative to PyJWT)", _relative(tokens, "pyjwt", list(tokens))),
        ("header -> user (relative to simplejwt)", _relative(auth, "simplejwt", list(auth))),
    ]


def views_list(data: dict[str, Any]) -> list[Series]:
    listing = data["in_process"]["list"]["best"]
    serializer = data["in_process"]["serializer"]["best"]
    keys = ["drf-sync", "restflow-page", "restflow-fast", "floor-async", "floor-sync"]
    series = [
        ("list endpoint, µs per request (relative to DRF sync; adrf off the chart)",
         _relative(listing, "drf-sync", keys)),
        ("ModelSerializer, 50 rows (relative to DRF sync; adrf off the chart)",
         _relative(serializer, "ser-drf-sync", ["ser-drf-sync", "ser-restflow"])),
    ]  # fmt: skip
    http = data.get("http")
    if http:
        # req/s of the best round (results written before the pyperf harness: {"rps": ...})
        best = {k: v["rps"] if isinstance(v, dict) else v for k, v in http["best"].items()}
        inverse = {key: 1 / value for key, value in best.items()}
        series.append(
            ("over HTTP, time per request (relative to hand-written async)",
             _relative(inverse, "hand-written", ["hand-written", "restflow-fast"]))
        )  # fmt: skip
    return series


def cache_hit(data: dict[str, Any]) -> list[Series]:
    def best(part: str) -> dict[str, float]:
        return {key: min(rounds) for key, rounds in data["parts"][part]["rounds"].items()}

    series = []
    for part, title in (("function-default", "LocMem"), ("function-redis", "Redis")):
        if part in data["parts"]:
            values = best(part)
            series.append(
                (f"@cache_result hit on {title} (relative to a hand-written cache.get)",
                 _relative(values, "hand-get", list(values)))
            )  # fmt: skip
    if "response" in data["parts"]:
        values = best("response")
        series.append(
            ("cache_response hit (relative to drf-extensions keyed like restflow)",
             _relative(values, "drf-extensions-keyed", list(values)))
        )  # fmt: skip
    return series


PLOTTERS: dict[str, Callable[[dict[str, Any]], list[Series]]] = {
    "core_dispatch": core_dispatch,
    "filters_parse": filters_parse,
    "jwt_auth": jwt_auth,
    "views_list": views_list,
    "cache_hit": cache_hit,
}


def draw(name: str, series: list[Series]) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(len(series), 1, figsize=(7, 1.0 + 1.6 * len(series)), squeeze=False)
    for ax, (title, bars) in zip(axes[:, 0], series, strict=True):
        labels = [label for label, _ in bars]
        values = [value for _, value in bars]
        colors = ["#c0392b" if label.startswith("restflow") else "#7f8c8d" for label in labels]
        ax.barh(labels, values, color=colors)
        ax.axvline(1.0, color="black", linewidth=0.8)
        ax.set_title(title, fontsize=10)
        ax.invert_yaxis()
        for y, value in enumerate(values):
            ax.text(value, y, f" {value:.2f}", va="center", fontsize=8)
        ax.set_xlim(0, max(values) * 1.2)
    fig.tight_layout()
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"bench-{name}.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def main() -> int:
    written = []
    for name, plotter in PLOTTERS.items():
        results = RESULTS / f"{name}.json"
        if results.exists():
            written.append(draw(name, plotter(json.loads(results.read_text()))))
    for path in written:
        print(f"wrote {path.relative_to(HERE.parent.parent)}")
    return 0 if written else 1


if __name__ == "__main__":
    sys.exit(main())
