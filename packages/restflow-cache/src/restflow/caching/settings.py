"""The ``CACHE`` section of ``RESTFLOW_SETTINGS`` (read as :data:`CACHE_SETTINGS`).

.. code-block:: python

    RESTFLOW_SETTINGS = {
        "CACHE": {
            "CACHE_ALIAS": "default",
            "DEFAULT_TTL": 300,
            "NAMESPACE": "restflow",
            "DEFAULT_DISPATCHER": "inline",
        },
    }

Every key, its default and its meaning is listed in ``docs/settings.md``.
The section's old name, ``CACHE_SETTINGS`` (the reference library's), is still
read (restflow-core's ``RENAMED_SECTIONS``). Nothing is read at import time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from restflow.settings import register_section

__all__ = ["CACHE_SETTINGS", "REFERENCE_ENTRY_POINTS", "RESERVED_DISPATCHER_KEYS"]

# The reference library's worker entry points: accepted with these values (restflow's
# workers have their own fixed entry point, which does the same), refused otherwise.
REFERENCE_ENTRY_POINTS: dict[str, frozenset[str]] = {
    "TASK_NAME": frozenset({"restflow.caching.tasks.task_run_cache_rules"}),
    "FUNCTION_PATH": frozenset({"restflow.caching.tasks.run_cache_rules"}),
    "ACTOR_NAME": frozenset({"restflow.task_run_cache_rules"}),
}
RESERVED_DISPATCHER_KEYS = frozenset({"RAISE_EXCEPTION", *REFERENCE_ENTRY_POINTS})


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


def _hash_algorithm(value: Any) -> None:
    if callable(value):
        return
    if not isinstance(value, str) or value.startswith("shake_"):
        raise ValueError(
            f"must be a fixed-length hashlib algorithm name ('md5', 'sha256', 'blake2b', ...) "
            f"or a callable (str) -> str, got {value!r}"
        )
    try:
        hashlib.new(value)
    except ValueError:
        known = ", ".join(sorted(hashlib.algorithms_available))
        raise ValueError(f"{value!r} is not an algorithm hashlib provides here ({known})") from None


def _dispatcher_settings(value: Any) -> None:
    if not isinstance(value, Mapping):
        raise ValueError(f"must be a dict of dispatcher name -> dict of defaults, got {value!r}")
    for name, block in value.items():
        if not isinstance(name, str) or not isinstance(block, Mapping):
            raise ValueError(
                f"[{name!r}] must be a dispatcher name mapped to a dict, got {block!r}"
            )
        for key, item in block.items():
            allowed = REFERENCE_ENTRY_POINTS.get(str(key).upper())
            if allowed is not None and item is not None and item not in allowed:
                raise ValueError(
                    f"[{name!r}][{key!r}] = {item!r}: restflow's workers run their own entry "
                    f"point (restflow.caching.dispatchers:run_batch); leave {key} out"
                )
        raise_exception = block.get("RAISE_EXCEPTION")
        if raise_exception is not None and not isinstance(raise_exception, bool):
            raise ValueError(f"[{name!r}]['RAISE_EXCEPTION'] must be a bool or None")


CACHE_SETTINGS = register_section(
    "CACHE",
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
        "DISPATCHER_SETTINGS": {},
        "DISPATCHER_RAISE_EXCEPTION": False,
        "KEY_HASH_ALGORITHM": "md5",
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
        "DISPATCHER_RAISE_EXCEPTION": bool,
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
        "KEY_HASH_ALGORITHM": _hash_algorithm,
        "DISPATCHER_SETTINGS": _dispatcher_settings,
    },
)
