"""The ``CACHE_SETTINGS`` section of ``RESTFLOW_SETTINGS``.

.. code-block:: python

    RESTFLOW_SETTINGS = {
        "CACHE_SETTINGS": {
            "CACHE_ALIAS": "default",
            "DEFAULT_TTL": 300,
            "NAMESPACE": "restflow",
            "DEFAULT_DISPATCHER": "inline",
        },
    }

Every key, its default and its meaning is listed in ``docs/caching.md``.
Nothing is read at import time.
"""

from __future__ import annotations

from typing import Any

from restflow.settings import register_section

__all__ = ["CACHE_SETTINGS"]


def _positive_or_none(value: Any) -> None:
    if value is not None and value < 0:
        raise ValueError(f"must be >= 0 or None, got {value!r}")


def _positive(value: Any) -> None:
    if value <= 0:
        raise ValueError(f"must be > 0, got {value!r}")


def _strategy(value: Any) -> None:
    if value not in ("auto", "scan", "generation"):
        raise ValueError(f"must be 'auto', 'scan' or 'generation', got {value!r}")


def _namespace(value: Any) -> None:
    if not value or ":" in value:
        raise ValueError(f"must be a non-empty string without ':', got {value!r}")


CACHE_SETTINGS = register_section(
    "CACHE_SETTINGS",
    defaults={
        "ENABLED": True,
        "CACHE_ALIAS": "default",
        "DEFAULT_TTL": 300,
        "DEFAULT_STALE_TTL": 0,
        "NAMESPACE": "restflow",
        "MAX_KEY_SUFFIX_LENGTH": 200,
        "HASH_SUFFIX_ON_OVERFLOW": True,
        "PARTITION_STRATEGY": "auto",
        "SCAN_BATCH_SIZE": 500,
        "STAMPEDE_PROTECTION": True,
        "STAMPEDE_LOCK_TIMEOUT": 10.0,
        "STATUS_HEADER": "X-Cache-Status",
        "DEFAULT_DISPATCHER": "inline",
        "DEFAULT_DISPATCHER_CONFIG": {},
        "AUTODISCOVER_MODULES": ["cached"],
    },
    types={
        "ENABLED": bool,
        "CACHE_ALIAS": str,
        "DEFAULT_TTL": (int, None),
        "DEFAULT_STALE_TTL": int,
        "NAMESPACE": str,
        "MAX_KEY_SUFFIX_LENGTH": int,
        "HASH_SUFFIX_ON_OVERFLOW": bool,
        "PARTITION_STRATEGY": str,
        "SCAN_BATCH_SIZE": int,
        "STAMPEDE_PROTECTION": bool,
        "STAMPEDE_LOCK_TIMEOUT": (int, float),
        "STATUS_HEADER": str,
        "DEFAULT_DISPATCHER": str,
        "DEFAULT_DISPATCHER_CONFIG": dict,
        "AUTODISCOVER_MODULES": (list, tuple),
    },
    validators={
        "DEFAULT_TTL": _positive_or_none,
        "DEFAULT_STALE_TTL": _positive_or_none,
        "NAMESPACE": _namespace,
        "MAX_KEY_SUFFIX_LENGTH": _positive,
        "PARTITION_STRATEGY": _strategy,
        "SCAN_BATCH_SIZE": _positive,
        "STAMPEDE_LOCK_TIMEOUT": _positive,
    },
)
