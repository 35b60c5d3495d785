"""Responses that vary on request headers: where ``cache_response`` keeps each variant.

A response's ``Vary`` names the request headers its body depends on. ``cache_response`` reads
it off the finalized response (DRF's ``Vary: Accept`` and whatever the view added) and stores:

- a response that varies on nothing beyond what its key already holds at the key itself
  (a hit costs one read, as for any cached call);
- any other response under ``<key>::!v<headers and values>`` (the values of its ``Vary``
  headers in the request it answered), and at the key a *pointer* naming those headers. A
  later request reads the pointer, then the entry of its own values: one more read.

``Vary: *`` is never stored. A variant's key names its headers and their values, so only a
request with the same values for the same headers reads it, whichever pointer led there
(each new response rewrites the pointer). Variants live under their key's partitions:
prefix and partition wipes, ``invalidate_all`` and generation counters cover them.

I/O-free: :class:`~restflow.caching.wrapper.CachedWrapper` does the reads and writes it names,
on its sync and async paths alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from restflow.caching.keys.context import KeyContext
from restflow.caching.keys.encoding import SEPARATOR, digest, encode

__all__ = [
    "POINTER",
    "Variants",
    "Varied",
    "VaryVariants",
    "base_key",
    "header_values",
    "variant_key",
    "vary_headers",
]

POINTER = "restflow.caching.vary"
"""First item of a pointer entry: ``(POINTER, ("accept-language", ...))``."""

Varied = tuple[tuple[str, str | None], ...]
"""The ``Vary`` headers of a response (lower-cased, sorted) and their values in its request."""

_INLINE = 64  # longer variant parts are hashed, as over-long key suffixes are
_VARIANT = "!v"


def vary_headers(response: Any, covered: Iterable[str] = ()) -> tuple[str, ...] | None:
    """The request headers ``response`` varies on, lower-cased, less ``covered``; ``*``: None."""
    vary = response.get("Vary")
    if not vary:
        return ()
    names = {name.strip().lower() for name in vary.split(",")} - {""}
    if "*" in names:
        return None
    return tuple(sorted(names.difference(covered)))


def header_values(request: Any, names: Iterable[str]) -> Varied:
    """``names`` with their values in ``request`` (``None`` when absent)."""
    headers = request.headers
    return tuple((name, headers.get(name)) for name in names)


def variant_key(key: str, varied: Varied) -> str:
    """Where the variant of ``key`` for these header values lives."""
    text = encode(varied)
    if len(text) > _INLINE:
        text = "!h" + digest(text)
    return f"{key}{SEPARATOR}{_VARIANT}{text}"


def base_key(key: str) -> str:
    """``key`` without its variant part, if it has one.

    Unambiguous: encoded key parts never start with ``!v`` (``!`` is escaped in text, and
    the markers are ``!n``, ``!t``, ``!f``, ``!b``, ``!m`` and ``!h``).
    """
    head, _, last = key.rpartition(SEPARATOR)
    return head if last.startswith(_VARIANT) else key


class Variants:
    """Where the entries of one call live, when not all at its key (the wrapper's hook)."""

    def follow(self, key: str, value: Any, ctx: KeyContext) -> str | None:
        """The key to read next when ``value`` (read at ``key``) points elsewhere, else None."""
        return None

    def fits(self, value: Any, ctx: KeyContext) -> bool:
        """Whether ``value``, computed for a concurrent call with the same key, serves ``ctx``."""
        return True

    def base(self, key: str) -> str:
        """The call's key, given it or one of its variants."""
        return key

    def place(self, key: str, value: Any) -> list[tuple[str, Any]]:
        """The ``(key, value)`` writes that store ``value``, computed for a call read at ``key``.

        ``key`` is the call's key or, when a read followed a pointer, one of its variants.
        """
        return [(key, value)]


class VaryVariants(Variants):
    """Responses by the values of their ``Vary`` headers.

    The values placed are ``cache_response``'s stored responses, whose last item is their
    :data:`Varied` (``None`` for ``Vary: *``). ``request_of`` finds a call's request.
    """

    def __init__(self, request_of: Callable[[KeyContext], Any]) -> None:
        self.request_of = request_of

    def follow(self, key: str, value: Any, ctx: KeyContext) -> str | None:
        if type(value) is not tuple or len(value) != 2 or value[0] != POINTER:
            return None
        return variant_key(key, header_values(self.request_of(ctx), value[1]))

    def fits(self, value: Any, ctx: KeyContext) -> bool:
        varied: Varied | None = value[-1]
        if varied is None:
            return False
        return header_values(self.request_of(ctx), [name for name, _ in varied]) == varied

    def base(self, key: str) -> str:
        return base_key(key)

    def place(self, key: str, value: Any) -> list[tuple[str, Any]]:
        key = base_key(key)
        varied: Varied = value[-1]
        if not varied:
            return [(key, value)]
        # the variant first: a reader that sees the new pointer finds this variant already there
        pointer = (POINTER, tuple(name for name, _ in varied))
        return [(variant_key(key, varied), value), (key, pointer)]
