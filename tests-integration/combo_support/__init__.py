"""Helpers for tests-integration/: a tiny Django app (views, URLs, task functions).

``SUBPACKAGES`` is the design's table of which ``restflow.<sub>`` each
distribution ships (DESIGN.md §1), written out here on purpose: the
isolation tests check the installed packages against it, not against what
the build happens to produce.
"""

from __future__ import annotations

SUBPACKAGES: dict[str, tuple[str, ...]] = {
    "core": ("core", "asynccache", "exceptions", "parsers", "permissions", "settings", "typemap"),
    "filters": ("filters",),
    "cache": ("caching",),
    "jwt": ("authentication",),
    "views": ("views", "serializers", "pagination", "throttling", "responses", "services", "test"),
    "spectacular": ("spectacular",),
    "meta": (),
}


def expected() -> list[str]:
    """The combination's restflow distributions, by short name, from ``RESTFLOW_EXPECT``."""
    import os

    return [
        part.strip() for part in os.environ.get("RESTFLOW_EXPECT", "").split(",") if part.strip()
    ]
