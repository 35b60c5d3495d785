"""Declared config keys of a dispatcher, and their validation."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured

__all__ = ["Option", "validate_config"]

_NOTHING = object()


@dataclass(frozen=True)
class Option:
    """One config key a dispatcher accepts: its types, default and an extra rule.

    ``rule`` returns a sentence saying what is wrong with a value of the right
    type (``"must be >= 0"``), or ``None`` when the value is fine.
    """

    types: type | tuple[type, ...]
    default: Any = None
    rule: Callable[[Any], str | None] | None = None
    nullable: bool = False
    required: bool = False

    def problem(self, value: Any) -> str | None:
        """What is wrong with ``value`` for this key, or ``None``."""
        if value is None and self.nullable:
            return None
        types = self.types if isinstance(self.types, tuple) else (self.types,)
        # bool is an int to Python; a config flag is not a count
        if isinstance(value, bool) and bool not in types:
            return f"must be {_describe(types)}, got {value!r}"
        if not isinstance(value, types):
            return f"must be {_describe(types)}, got {type(value).__name__} {value!r}"
        return self.rule(value) if self.rule is not None else None


def _describe(types: tuple[type, ...]) -> str:
    return " or ".join(t.__name__ for t in types)


def at_least(minimum: float) -> Callable[[Any], str | None]:
    """A rule: the value is a number not below ``minimum``."""

    def rule(value: Any) -> str | None:
        return None if value >= minimum else f"must be >= {minimum}, got {value!r}"

    return rule


def between(low: int, high: int) -> Callable[[Any], str | None]:
    """A rule: ``low <= value <= high``."""

    def rule(value: Any) -> str | None:
        return None if low <= value <= high else f"must be in {low}..{high}, got {value!r}"

    return rule


def non_empty(value: Any) -> str | None:
    """A rule: a non-empty string."""
    return None if value.strip() else "must be a non-empty string"


def validate_config(
    owner: str, options: Mapping[str, Option], config: Mapping[str, Any]
) -> dict[str, Any]:
    """Return ``config`` merged over the defaults; raise ``ImproperlyConfigured`` listing every fault.

    ``owner`` names the dispatcher in the message (``"RQDispatcher ('rq')"``).
    """
    problems: list[str] = []
    unknown = sorted(set(config) - set(options))
    if unknown:
        known = ", ".join(sorted(options)) or "none"
        problems.append(
            f"unknown config key(s) {', '.join(map(repr, unknown))}; accepted keys: {known}"
        )
    resolved: dict[str, Any] = {}
    for key, option in options.items():
        value = config.get(key, _NOTHING)
        if value is _NOTHING:
            if option.required:
                problems.append(f"config {key!r} is required")
            resolved[key] = option.default
            continue
        problem = option.problem(value)
        if problem is not None:
            problems.append(f"config {key!r} {problem}")
        resolved[key] = value
    if problems:
        raise ImproperlyConfigured(f"{owner}: " + "; ".join(problems) + ".")
    return resolved
