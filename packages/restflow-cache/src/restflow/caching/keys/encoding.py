"""Injective, process-independent encoding of key parts.

Strings are percent-encoded so that no value can contain the key's
delimiters (``::`` between parts, ``,``/``=``/``&`` inside composite
values) nor characters memcached refuses. Scalars render as their text, so
``1`` and ``"1"`` are the same key part (a query parameter and an argument
agree); ``None`` and booleans have markers no string can produce.
"""

from __future__ import annotations

import datetime
import decimal
import enum
import functools
import hashlib
import re
import uuid
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from restflow.caching.settings import CACHE_SETTINGS

__all__ = ["SEPARATOR", "digest", "encode"]

SEPARATOR = "::"
"""Between the parts of a key: namespace, version, function id, then the fields."""

_SAFE = "-_.@+/"  # everything else outside [A-Za-z0-9] is percent-encoded, including '%', ':', '!'


_PLAIN = re.compile(r"[A-Za-z0-9_.@+/-]*").fullmatch


@functools.lru_cache(maxsize=4096)
def _text(value: str) -> str:
    return value if _PLAIN(value) else quote(value, safe=_SAFE)


def encode(value: Any) -> str:
    """Return the key text of ``value``; ``TypeError`` for values without a stable text."""
    kind = type(value)
    if kind is str:
        return _text(value)
    if kind is int:
        return str(value)
    if value is None:
        return "!n"
    if kind is bool:
        return "!t" if value else "!f"
    if isinstance(value, enum.Enum):
        return encode(value.value)
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime.date | datetime.time):
        return _text(value.isoformat())
    if isinstance(value, bytes):
        return "!b" + value.hex()
    if isinstance(value, list | tuple):
        return "[" + ",".join(encode(item) for item in value) + "]"
    if isinstance(value, set | frozenset):
        return "[" + ",".join(sorted(encode(item) for item in value)) + "]"
    if isinstance(value, Mapping):
        pairs = sorted(f"{encode(k)}={encode(v)}" for k, v in value.items())
        return "{" + ",".join(pairs) + "}"
    meta = getattr(value, "_meta", None)
    if meta is not None and hasattr(value, "pk"):
        return f"!m{meta.label_lower}@{encode(value.pk)}"
    cache_key = getattr(value, "__cache_key__", None)
    if callable(cache_key):
        return encode(cache_key())
    raise TypeError(
        f"cannot build a cache key from a {kind.__module__}.{kind.__qualname__} value: its text "
        "is not stable across processes. Give the key field a normalizer= that returns a str, "
        "int or tuple, a path= to an attribute, or define __cache_key__() on the class."
    )


def digest(text: str) -> str:
    """The digest used for ``hash=True`` parts and over-long suffixes.

    ``RESTFLOW_SETTINGS["CACHE"]["KEY_HASH_ALGORITHM"]``: a hashlib name (default ``"md5"``, 32 hex
    digits) or a callable ``(str) -> str``.
    """
    algorithm = CACHE_SETTINGS.KEY_HASH_ALGORITHM
    if callable(algorithm):
        return str(algorithm(text))
    return hashlib.new(algorithm, text.encode(), usedforsecurity=False).hexdigest()
