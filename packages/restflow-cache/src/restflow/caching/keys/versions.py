"""Which entries a previous-versions wipe removes: the I/O-free half shared by every store.

Bumping ``Meta.version`` of a key constructor moves its functions to new keys
(``namespace::version::function-id::…``); the entries of the old versions are no longer
read by this code but stay in the cache until they expire. A :class:`VersionSweep` names
them: same namespace and function id, another version (or one of the ``versions`` given).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from restflow.caching.keys.encoding import SEPARATOR, encode

__all__ = ["MAX_ENUMERATED_VERSIONS", "VersionSweep"]

MAX_ENUMERATED_VERSIONS = 1000
"""Backends that cannot list keys enumerate integer versions below the current one, up to this."""


class VersionSweep:
    """The entries of one function written under versions other than the current one."""

    __slots__ = ("current", "current_raw", "identifier", "namespace", "wanted", "where")

    def __init__(
        self,
        namespace: str,
        identifier: str,
        current: Any,
        versions: Iterable[Any] | None,
        where: str,
    ) -> None:
        self.namespace = namespace
        self.identifier = identifier
        self.current_raw = current
        self.current = encode(current)
        self.where = where
        self.wanted: frozenset[str] | None = None
        if versions is not None:
            if isinstance(versions, str | bytes) or not isinstance(versions, Iterable):
                raise TypeError(
                    f"{where}: versions= must be a list of previous versions, got {versions!r}."
                )
            wanted = frozenset(encode(v) for v in versions)
            if self.current in wanted:
                raise ValueError(
                    f"{where}: version {current!r} is the current Meta.version; wipe() removes "
                    "the current entries, versions= names previous ones."
                )
            self.wanted = wanted

    @property
    def prefix(self) -> str:
        """Every candidate key starts with this (the namespace)."""
        return self.namespace + SEPARATOR

    @property
    def infix(self) -> str:
        """Every candidate key contains this after its version (the function id)."""
        return SEPARATOR + self.identifier + SEPARATOR

    def matches(self, key: str) -> bool:
        """Whether ``key`` (without the backend's own prefix) is an entry to remove."""
        parts = key.split(SEPARATOR, 3)
        return (
            len(parts) == 4
            and parts[0] == self.namespace
            and parts[2] == self.identifier
            and parts[1] != self.current
            and (self.wanted is None or parts[1] in self.wanted)
        )

    def heads(self) -> list[str]:
        """``namespace::version::function-id`` of each previous version, for generation counters.

        Without ``versions=`` only integer versions can be enumerated (``0`` up to the current
        one, at most :data:`MAX_ENUMERATED_VERSIONS`); otherwise ``ValueError`` asks for them.
        """
        wanted = self.wanted
        if wanted is None:
            current = self.current_raw
            if type(current) is not int or not 0 <= current <= MAX_ENUMERATED_VERSIONS:
                raise ValueError(
                    f"{self.where}: this cache backend cannot list keys, and the previous "
                    f"versions of Meta.version={current!r} cannot be enumerated; pass them, "
                    "e.g. wipe_previous_versions(versions=['v1'])."
                )
            wanted = frozenset(str(v) for v in range(current))
        return [
            SEPARATOR.join((self.namespace, version, self.identifier)) for version in sorted(wanted)
        ]
